"""Hardcoded absolute paths: each class says whose machine the path belongs to, and how bad that is.

Only path-shaped text with a recognisable root counts (a home folder, a drive, a share, a mount, a temp folder,
``file://``), so web routes, dates, MIME types, divisions and relative paths never match. In Python only string
literals are read, never docstrings, regular expressions or the routes of web frameworks.
"""
from __future__ import annotations

import re

from handoff_assistant.tasks import with_checkpoints
from handoff_assistant.scan.findings.base import Hit, Rule, TakenSpans, register
from handoff_assistant.scan.findings.source import CODE, SHELL, STRING, Segment, Source

_FIX = ("Read this location from configuration instead: a key in config.yaml (for example data_dir) or an "
        "environment variable, and build file names relative to it with pathlib.")
USER_HOME = Rule("path.user-home", "path", "high", "Path in a personal home folder",
                 "Hardcoded path inside a personal home folder ({detail}); it exists only on this person's "
                 "computer.", _FIX)
WINDOWS_DRIVE = Rule("path.windows-drive", "path", "high", "Windows drive path",
                     "Hardcoded Windows drive path ({detail}); servers usually run Linux and have no such drive.",
                     _FIX)
UNC_SHARE = Rule("path.unc-share", "path", "medium", "Network share path",
                 "Hardcoded network share ({detail}); the server may not reach this share or use this name "
                 "for it.", _FIX + " Ask IT how the server will reach the share.")
MOUNT = Rule("path.mount", "path", "medium", "Mounted volume path",
             "Hardcoded mounted volume ({detail}); a removable drive or mount on this machine, not on the server.",
             _FIX)
TEMP_DIR = Rule("path.temp-dir", "path", "low", "Fixed temporary folder",
                "Fixed temporary folder ({detail}); it is emptied on reboot and may differ or be shared on the "
                "server.", "Use tempfile.mkdtemp() / tempfile.TemporaryDirectory() (R: tempdir()) for scratch "
                "files, or a configured output folder for results that must be kept.")
FILE_URL = Rule("path.file-url", "path", "medium", "file:// URL",
                "file:// URL pointing at a local file ({detail}).", _FIX)
USER_CACHE = Rule("path.user-cache", "path", "low", "Per-user cache folder",
                  "A per-user cache folder ({detail}); `~` is expanded for whoever runs the code, so it works on a "
                  "server too, as long as that account may write to its home folder.",
                  "Nothing needed. To let IT move it, read it from an environment variable with this as the "
                  "default: os.environ.get(\"MYTOOL_CACHE\", os.path.expanduser(\"~/.cache/mytool\")).")
register(USER_HOME, WINDOWS_DRIVE, UNC_SHARE, MOUNT, TEMP_DIR, FILE_URL, USER_CACHE)

# Not inside a word, a URL or another path; "sqlite:////Users/..." (scheme + absolute path) does count.
_BOUNDARY = r"(?:(?<=:///)|(?<=file://)|(?<![\w.\\/:~$%@-]))"
_SEP = r"(?:\\{1,2}|/)"
_NAME = r"[^\\/\s'\"`,;:)*?<>|]+"
# Most specific first: a span taken by one class is not reported again by a later one.
_PATTERNS: tuple[tuple[Rule, re.Pattern[str]], ...] = (
    (USER_HOME, re.compile(_BOUNDARY + r"(?:/Users/(?!Shared\b)" + _NAME + r"|/home/" + _NAME
                           + r"|/root(?=/)|~[A-Za-z_][\w.-]*(?=/)|~(?=/)"
                           + r"|[A-Za-z]:" + _SEP + r"(?:Users|Documents and Settings)" + _SEP + _NAME + ")")),
    (TEMP_DIR, re.compile(_BOUNDARY + r"(?:/(?:var/)?tmp(?=/|\\|$|['\"\s])|[A-Za-z]:" + _SEP
                          + r"(?:Temp|TEMP|tmp)\b)")),
    (FILE_URL, re.compile(r"\bfile:(?:///[\w.~%-]|//[\w.-]+/)[^\s'\"`){}]*")),
    (UNC_SHARE, re.compile(r"(?<![\w\\/:])(?:\\{4}|\\{2})(?!\\)(?!x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})"
                           r"[A-Za-z0-9][\w.$-]+\\{1,2}[\w.$-]+")),
    (MOUNT, re.compile(_BOUNDARY + r"/(?:mnt|Volumes|media|dbfs|gpfs|nfs|lustre)/" + _NAME)),
    (WINDOWS_DRIVE, re.compile(_BOUNDARY + r"[A-Za-z]:" + _SEP + r"(?=[\w$.~ -]{2})")),
)
# In a Python string without r prefix a share is written "\\\\server\\share"; "\\f0\\sa0" is an RTF control word.
_ESCAPED_UNC = re.compile(r"(?<![\w\\/:])\\{4}(?!\\)[A-Za-z0-9][\w.$-]+\\{2}[\w.$-]+")
_REGEX_HINT = re.compile(r"\(\?|\[\^|\.\*|\.\+|^\^|\$$|\\[dDwWsSbB][+*?{)|]")
_REGEX_CALLS = {"compile", "match", "search", "sub", "subn", "findall", "finditer", "fullmatch", "split",
                "contains", "extract", "extractall", "replace", "fnmatch"}  # glob patterns are paths
_ROUTE_CALLS = {"add_url_rule", "add_api_route", "re_path", "url_for", "redirect"}
_PROSE_KEYS = {"help", "description", "epilog", "usage"}  # argparse/click texts for people, not locations
_USER_CACHE = re.compile(r"~/\.cache(?:/|$)")
_LOOKED_AT = (STRING, CODE, SHELL)
_PATH_HINT = re.compile(r"[/\\~]")
# A text whose lower-cased form contains none of these has no path finding (see scan_text).
TEXT_NEEDLES = ("/users/", "/home/", "/root/", "~", ":\\", ":/", "\\\\", "/mnt/", "/volumes/", "/media/",
                "/dbfs/", "/gpfs/", "/nfs/", "/lustre/", "/tmp", "file:")
_WHOLE_PATH = re.compile(r"[^\s'\"`,;)]{0,200}")  # bounded: only its first 60 characters are shown


def find_paths(source: Source) -> list[Hit]:
    hits = []
    for segment in source.segments:
        if segment.kind in _LOOKED_AT and _PATH_HINT.search(segment.text) and not _excluded(segment):
            hits += _segment_hits(segment)
    return hits


def _excluded(segment: Segment) -> bool:
    if segment.kind != STRING:
        return False
    callee = segment.calls[-1].rsplit(".", 1)[-1] if segment.calls else ""
    return (segment.decorated or segment.key.lower() in _PROSE_KEYS or callee in _ROUTE_CALLS or callee in _REGEX_CALLS
            or bool(_REGEX_HINT.search(segment.text)))


def _segment_hits(segment: Segment) -> list[Hit]:
    taken = TakenSpans()
    hits = []
    for rule, pattern in _PATTERNS:
        if rule is UNC_SHARE and segment.escaped:
            pattern = _ESCAPED_UNC
        for match in with_checkpoints(pattern.finditer(segment.text)):
            if taken.overlaps(match.start(), match.end()):
                continue
            taken.add(match.start(), match.end())
            row, _ = segment.position(match.start())
            whole = _WHOLE_PATH.match(segment.text, match.start()).group()
            kept = USER_CACHE if rule is USER_HOME and _USER_CACHE.match(whole) else rule
            hits.append(Hit(kept, row, _shorten(whole)))
    return hits


def _shorten(path: str) -> str:
    """The path as people write it (escaped backslashes undone), cut to a readable length."""
    path = path.replace("\\\\", "\\")
    return path if len(path) <= 60 else path[:57] + "..."
