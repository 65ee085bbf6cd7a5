#!/bin/sh
# Installs the unpacked Handoff Assistant folder for the current user (no root needed):
#   the app in ~/.local/opt/handoff-assistant, handoff and handoff-assistant in ~/.local/bin,
#   the desktop entry, AppStream metadata, the handoff bundle MIME type and the icons in ~/.local/share.
# Run it from the unpacked tarball: ./install.sh    (./install.sh --uninstall removes all of it again)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
app=$HOME/.local/opt/handoff-assistant
bin=$HOME/.local/bin
refresh() {
  command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
  command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
}
if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$bin/handoff" "$bin/handoff-assistant" "$data/applications/handoff-assistant.desktop" \
        "$data/metainfo/io.github.handoff_assistant.metainfo.xml" "$data/mime/packages/handoff-assistant.xml"
  find "$data/icons/hicolor" -name 'io.github.handoff_assistant.*' -o -name 'application-vnd.handoff-bundle+zip.*' \
       2>/dev/null | xargs rm -f
  rm -rf "$app"
  refresh
  echo "Handoff Assistant removed."
  exit 0
fi
mkdir -p "$app" "$bin" "$data"
cp -R "$here/." "$app/"
ln -sf "$app/handoff" "$bin/handoff"
ln -sf "$app/handoff-assistant" "$bin/handoff-assistant"
cp -R "$here/share/." "$data/"
refresh
echo "Handoff Assistant installed in $app; handoff and handoff-assistant are in $bin."
case ":$PATH:" in *":$bin:"*) ;; *) echo "Add $bin to your PATH to run them by name." ;; esac
