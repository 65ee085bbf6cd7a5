"""Paths that name one server's or cluster's layout, and relative paths written with Windows separators.

A *server root* (``/data``, ``/scratch``, ``/srv``, ``/projects``, ``/work``, ``/shared``, ``/opt/<project>``,
the Kaggle and Colab folders …) is a finding only where it is used as a file location: given to an I/O call
(``pd.read_csv``, ``open``, ``Path``, ``glob.glob`` …), assigned to a path-like name (``data_dir``, ``OUT_PATH``,
an argparse/click ``default=``), ending in a file extension, assigned to a shell variable or mounted with
``docker run -v``. The same text as a web route, a container's own folder (``WORKDIR /srv/app``, the right side
of ``-v``) or a system folder (``/usr``, ``/etc``, ``/dev``, ``/proc``, ``/opt/conda``) is not.

A relative path with backslashes (``"data\\\\raw.csv"``, ``r"out\\model.pkl"``) works on Windows only.

Every pattern is linear: bounded alternations and single character classes, no nested repetition.
"""
from __future__ import annotations

import re
from typing import Optional

from handoff_assistant.scan.findings.base import Hit, Rule, register
from handoff_assistant.scan.findings.source import CODE, SHELL, STRING, Segment, Source

SERVER_ROOT = Rule("path.server-root", "path", "medium", "Path on one server or cluster",
                   "Hardcoded location on one server or cluster ({detail}); another machine has another layout.",
                   "Read this location from configuration instead: a key in config.yaml (for example data_dir) "
                   "or an environment variable, so IT can point it at the production storage.")
WINDOWS_SEPARATOR = Rule("path.windows-separator", "path", "medium", "Relative path with backslashes",
                         "Relative path written with Windows separators ({detail}); on Linux the backslash is part "
                         "of the file name, so the file is not found.",
                         "Write it with forward slashes, as the message shows; they work on every system. Or build "
                         "it with pathlib: Path(\"data\") / \"raw.csv\".")
register(SERVER_ROOT, WINDOWS_SEPARATOR)

_SYSTEM_OPT = ("conda", "miniconda", "miniconda3", "anaconda", "anaconda3", "homebrew", "local", "venv", "python",
               "intel", "nvidia", "cuda", "rocm", "ml", "airflow", "spark", "hadoop", "bitnami", "google", "app",
               "microsoft", "mssql-tools", "mssql-tools18", "oracle", "R", "rh", "pyenv", "pypy", "render", "rstudio")
_ROOTS = (r"data|scratch|srv|projects?|work|workspace|shared?|datasets?|nas|groups?|export|archive|fsx"
          r"|efs|kaggle|content/drive|opt/(?!(?:" + "|".join(_SYSTEM_OPT) + r")(?:/|$))[A-Za-z][\w.-]{0,60}")
_SERVER_ROOT = re.compile(r"(?<![\w.~/\\:$%@-])/(?:" + _ROOTS + r")(?=/|$|['\"\s:,;)])")
# For the cheap pre-check of a whole text (lower-cased): a root right after a quote, a space, "=" or "(". It starts
# with a character set so the regex engine skips ahead to candidates instead of trying every position.
TEXT_PATTERN = (r"[\"' =(]/(?:data|scratch|srv|projects?|work|shared?|datasets?|nas|groups?"
                r"|export|archive|fsx|efs|kaggle|content/drive|opt/[a-z])")
_WHOLE = re.compile(r"[^\s'\"`,;)]{0,300}")
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,7}$")
_PATHLIKE_WORDS = frozenset({"path", "paths", "dir", "dirs", "directory", "folder", "root", "file", "files",
                             "filename", "fname", "filepath", "location", "loc", "prefix", "output", "input", "out",
                             "dest", "destination", "base", "data", "cache", "checkpoint", "ckpt", "logdir",
                             "workdir", "volume", "home", "src", "source", "target", "save", "load", "default",
                             "dataset", "datasets", "model", "models", "store", "storage", "mount", "export"})
_CONTAINER_KEYS = frozenset({"mountpath", "workdir", "workingdir", "working_dir", "containerpath",
                             "container_path", "destination", "target", "mount_path"})
_IO_CALLS = frozenset({
    "open", "Path", "PurePath", "PosixPath", "join", "exists", "isfile", "isdir", "listdir", "makedirs", "mkdir",
    "walk", "scandir", "glob", "iglob", "rglob", "load", "save", "dump", "loadtxt", "savetxt", "genfromtxt",
    "load_model", "save_model", "from_pretrained", "save_pretrained", "imread", "imwrite", "savefig", "copy",
    "copyfile", "copytree", "move", "rmtree", "remove", "unlink", "File", "open_dataset", "open_mfdataset",
    "open_zarr", "ZipFile", "FileHandler", "read_file", "to_file", "load_dataset", "load_from_disk",
    "save_to_disk", "parquet", "csv", "json", "text", "orc", "textFile", "saveAsTextFile", "load_workbook",
    "ImageFolder", "DataLoader", "SummaryWriter", "ModelCheckpoint", "FileSystemLoader", "add_argument",
    "option", "argument", "Option", "Argument", "dirname", "basename", "abspath", "realpath", "expanduser", "getsize", "stat",
    "chmod", "touch", "write_text", "read_text", "write_bytes", "read_bytes", "connect", "create_engine",
})
_IO_PREFIXES = ("read_", "to_", "load", "save", "write", "dump", "open")
_WEB_CALLS = frozenset({"get", "post", "put", "patch", "delete", "head", "request", "urljoin", "fetch", "route",
                        "add_url_rule", "add_api_route", "url_for", "redirect", "path", "re_path", "mount"})
_PROSE_KEYS = frozenset({"help", "description", "epilog", "usage", "doc", "__doc__", "summary", "title"})
# Found from a cheap literal (``=/``, ``="/``, ``: /``, a quote before ``/``), then the name is read backwards
# from a bounded window: no pattern ever starts a bounded repetition at every position of a line.
_ASSIGNED = re.compile(r"=[\"']?(?=/)")
_NAME_BEFORE = re.compile(r"(?:^|[\s;])(?P<name>[A-Za-z_]\w{0,80})$")
_CONFIG_KEY = re.compile(r"^\s*-?\s*[\"']?(?P<name>[A-Za-z_][\w.-]{0,80})[\"']?\s*(?::|=)\s*[\"']?(?=/)")
_QUOTED_PATH = re.compile(r"[\"'](?=/)")
_CALL_OR_NAME_BEFORE = re.compile(r"(?P<name>[A-Za-z_][\w.]{0,80})\s{0,3}(?:\(|<-|=)\s{0,3}$")
_WINDOW = 100
_DOCKER_VOLUME = re.compile(r"(?:\s-v\s{1,5}|--volume[=\s]{1,5}|--mount\s{1,5}\S{0,200}source=)[\"']?(?=/)")

# Relative Windows paths. Python, non-raw: a doubled backslash, or one before a character that is no escape
# sequence ("\m"); raw: any backslash. The last part has a file extension, or the string feeds an I/O call.
_PART = r"[A-Za-z0-9_][\w.-]{0,80}"
_ESCAPED_SEP = r"(?:\\\\|\\(?![nrtabfv0-7xuUN'\"\\]))"
_WIN_RELATIVE_ESCAPED = re.compile(r"^(?:\.{1,2}" + _ESCAPED_SEP + r")*" + _PART + r"(?:" + _ESCAPED_SEP + _PART
                                   + r"){1,20}$")
_WIN_RELATIVE_RAW = re.compile(r"^(?:\.{1,2}\\)*" + _PART + r"(?:\\" + _PART + r"){1,20}$")
WINDOWS_TEXT_PATTERN = r"\\(?:\\|[^\\ntrabfv0-7xu'\"\s])(?<=[a-z0-9_.-]\\.)[a-z0-9_]"


def find_server_paths(source: Source) -> list[Hit]:
    hits = []
    dockerfile = source.language == "Dockerfile"
    for segment in source.segments:
        if segment.kind == STRING:
            hits += _string_hits(segment, source.python)
        elif segment.kind in (CODE, SHELL) and "/" in segment.text and not dockerfile:
            hits += _line_hits(segment, source.unquoted_values or segment.kind == SHELL)
    return hits


def _string_hits(segment: Segment, python: bool) -> list[Hit]:
    if segment.key.lower() in _PROSE_KEYS:
        return []
    callee = segment.calls[-1].rsplit(".", 1)[-1] if segment.calls else ""
    if callee in _WEB_CALLS:
        return []
    hits = []
    if "/" in segment.text:
        match = _SERVER_ROOT.match(segment.text)  # the string *is* the path, not a sentence mentioning one
        if match and (_is_io_call(callee) or _is_pathlike(segment.key) or _has_extension(segment.text)):
            hits.append(Hit(SERVER_ROOT, segment.row, _shorten(segment.text)))
    if python and "\\" in segment.text:
        hit = _windows_relative(segment, callee)
        if hit:
            hits.append(hit)
    return hits


def _line_hits(segment: Segment, unquoted: bool) -> list[Hit]:
    """Configuration and shell lines: ``key: /data/x``, ``NAME=/data/x``, ``docker run -v /data/x:/x``."""
    text = segment.text
    starts = []
    if unquoted:
        starts += _named_starts(text, _ASSIGNED, _NAME_BEFORE)
        if "-v" in text or "--volume" in text or "--mount" in text:
            starts += [(m.end(), "volume") for m in _DOCKER_VOLUME.finditer(text)]
    key = _CONFIG_KEY.match(text)
    if key:
        starts.append((key.end(), key.group("name")))
    if not unquoted:  # R, SQL, Julia…: only quoted values, given to a call or a name
        starts += _named_starts(text, _QUOTED_PATH, _CALL_OR_NAME_BEFORE)
    hits = []
    for start, name in starts:
        match = _SERVER_ROOT.match(text, start)
        if match and name.lower() not in _CONTAINER_KEYS and (
                name == "volume" or _is_pathlike(name) or _is_io_call(name.rsplit(".", 1)[-1])
                or _has_extension(_WHOLE.match(text, start).group())):
            row, _ = segment.position(start)
            hits.append(Hit(SERVER_ROOT, row, _shorten(_WHOLE.match(text, start).group().split(":")[0])))
            break
    return hits


def _named_starts(text: str, trigger: re.Pattern[str], name_before: re.Pattern[str]) -> list[tuple[int, str]]:
    """(where the path starts, the name or callee right before it) for each cheap trigger match."""
    found = []
    for match in trigger.finditer(text):
        before = name_before.search(text, max(0, match.start() - _WINDOW), match.start())
        if before:
            found.append((match.end(), before.group("name")))
    return found


def _windows_relative(segment: Segment, callee: str) -> Optional[Hit]:
    text = segment.text
    pattern = _WIN_RELATIVE_ESCAPED if segment.escaped else _WIN_RELATIVE_RAW
    if not pattern.match(text):
        return None
    # os.path.join(windows_base, r"VC\Tools") is a Windows-only module's business, not a file the code reads
    if not (_has_extension(text) or (_is_io_call(callee) and callee != "join") or _is_pathlike(segment.key)):
        return None
    shown = text.replace("\\\\", "\\") if segment.escaped else text
    return Hit(WINDOWS_SEPARATOR, segment.row, f"{shown}; write it as {shown.replace(chr(92), '/')}")


def _is_io_call(callee: str) -> bool:
    return callee in _IO_CALLS or callee.startswith(_IO_PREFIXES)


def _is_pathlike(name: str) -> bool:
    """``data_dir``, ``OUTPUT_PATH``, ``modelFile``, ``default`` (argparse/click): names that hold a location."""
    if not name:
        return False
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name[:120]).lower().replace("-", "_").replace(".", "_").split("_")
    return any(word in _PATHLIKE_WORDS for word in words)


def _has_extension(path: str) -> bool:
    last = path.rstrip().rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return bool(_EXTENSION.search(last)) and not last.startswith(".")


def _shorten(path: str) -> str:
    path = path.strip()
    return path if len(path) <= 60 else path[:57] + "..."
