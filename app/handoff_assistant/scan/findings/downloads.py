"""Downloads at run time: the code fetches data or model weights from the network when it runs.

On a server without that network access (or behind a proxy) the run fails later with a network error the
runbook never mentioned. Looked for: download calls given a URL (``urlretrieve``, ``requests.get``,
``download.file`` …), model-hub loaders given a hub name (``from_pretrained("org/name")``, ``torch.hub.load``,
``hf_hub_download``), ``wget``/``curl`` in shell lines and cells, and any URL to a file or to a model hub. Each
finding names the host, which ``download_host`` reads back for the runbook's external services and the
harness's reachability check.

Every pattern is linear: bounded quantifiers only, no nested repetition.
"""
from __future__ import annotations

import re
from typing import Optional

from handoff_assistant.scan.findings.base import Hit, Rule, register
from handoff_assistant.scan.findings.source import CODE, SHELL, STRING, Segment, Source
from handoff_assistant.scan.report import Finding

RUNTIME_DOWNLOAD = Rule(
    "network.runtime-download", "network", "medium", "Downloads at run time",
    "Downloads at run time from {detail}; the server must reach that host, or the run fails with a network error.",
    "Download it once, hand it over as a required input (or a model file in the bundle) and read it from a "
    "configured path; if the download must stay, ask IT to allow the host (the runbook lists it).")
register(RUNTIME_DOWNLOAD)

TEXT_NEEDLES = ("://", "from_pretrained", "hub.load", "hf_hub_download", "snapshot_download", "wget", "curl")

_URL = re.compile(r"\b(?P<scheme>https?|ftp|s3|gs)://(?:[\w.%-]{1,64}@)?"
                  r"(?P<host>[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8})(?::\d{1,5})?(?P<path>/[^\s'\"<>(){}]{0,400})?")
_FILE_SUFFIX = re.compile(r"\.(?:zip|gz|tgz|bz2|xz|7z|tar|csv|tsv|parquet|feather|arrow|jsonl?|txt|xlsx?|pt|pth|bin|"
                          r"ckpt|safetensors|h5|hdf5|keras|onnx|pkl|pickle|joblib|npy|npz|model|rds|rda|rdata)$",
                          re.IGNORECASE)
MODEL_HUBS = frozenset({"huggingface.co", "hf.co", "cdn-lfs.huggingface.co", "tfhub.dev", "www.kaggle.com",
                        "kaggle.com", "download.pytorch.org", "zenodo.org", "figshare.com", "drive.google.com",
                        "dl.dropboxusercontent.com", "www.dropbox.com", "raw.githubusercontent.com"})
# The last part of a call's dotted name that downloads what it is given.
# (``requests.get`` / ``urlopen`` of an API is not a download: those count when the URL names a file.)
DOWNLOAD_CALLS = frozenset({"urlretrieve", "download", "download_url", "download_file",
                            "get_file", "load_state_dict_from_url", "download_url_to_file", "read_csv",
                            "read_parquet", "read_json", "read_excel", "read_table", "read_feather", "load_dataset",
                            "cached_download"})
# Hub loaders given a hub name rather than a URL: call suffix → host.
HUB_LOADERS = {"from_pretrained": "huggingface.co", "hf_hub_download": "huggingface.co",
               "snapshot_download": "huggingface.co", "load_dataset": "huggingface.co", "hub.load": "github.com",
               "hub.load_state_dict_from_url": "github.com", "SentenceTransformer": "huggingface.co",
               "pipeline": "huggingface.co"}
_HUB_NAME = re.compile(r"[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}")
_SHELL_DOWNLOAD = re.compile(r"(?<![\w.-])(?:wget|curl|download\.file|Invoke-WebRequest|iwr|gsutil\s{1,4}cp|"
                             r"aws\s{1,4}s3\s{1,4}cp|urlretrieve)\b")
_PLACEHOLDER_HOSTS = frozenset({"example.com", "example.org", "example.net", "localhost"})
_MESSAGE_HOST = re.compile(r"^Downloads at run time from ([A-Za-z0-9.-]{1,253}) ")


def find_downloads(source: Source) -> list[Hit]:
    hits = []
    for segment in source.segments:
        if segment.kind == STRING:
            hit = _string_hit(segment)
        elif segment.kind in (CODE, SHELL) and _SHELL_DOWNLOAD.search(segment.text):
            hit = _command_hit(segment)
        else:
            hit = None
        if hit is not None:
            hits.append(hit)
    return hits


def _hit(segment: Segment, host: str, how: str) -> Hit:
    return Hit(RUNTIME_DOWNLOAD, segment.row, detail=f"{host} ({how})")


def _string_hit(segment: Segment) -> Optional[Hit]:
    call = segment.calls[-1] if segment.calls else ""
    url = _URL.search(segment.text)
    if url is not None:
        host, path = url.group("host").lower(), url.group("path") or ""
        if host in _PLACEHOLDER_HOSTS or "." not in host:
            return None
        name = call.rsplit(".", 1)[-1]
        if name in DOWNLOAD_CALLS:
            return _hit(segment, host, f"{call}()")
        if host in MODEL_HUBS or _FILE_SUFFIX.search(path.split("?", 1)[0]):
            return _hit(segment, host, "a URL to a file" if host not in MODEL_HUBS else "a model hub URL")
        return None
    loader = next((host for suffix, host in HUB_LOADERS.items() if call == suffix or call.endswith("." + suffix)), None)
    if loader and segment.argument == 0 and _HUB_NAME.fullmatch(segment.text.strip()):
        return _hit(segment, loader, f"{call}(\"{segment.text.strip()}\")")
    return None


def _command_hit(segment: Segment) -> Optional[Hit]:
    for url in _URL.finditer(segment.text):
        host = url.group("host").lower()
        if host not in _PLACEHOLDER_HOSTS and "." in host:
            tool = _SHELL_DOWNLOAD.search(segment.text).group(0).split()[0]
            return Hit(RUNTIME_DOWNLOAD, segment.position(url.start())[0], detail=f"{host} ({tool})")
    return None


def download_host(finding: Finding) -> Optional[str]:
    """The host a runtime-download finding names (from its message), or None for another finding."""
    if finding.rule != RUNTIME_DOWNLOAD.id:
        return None
    match = _MESSAGE_HOST.match(finding.message)
    return match.group(1) if match else None


def download_hosts(findings) -> tuple[str, ...]:
    """The hosts code downloads from at run time, sorted, each once (suppressed findings are the caller's choice)."""
    return tuple(sorted({host for f in findings if (host := download_host(f))}))
