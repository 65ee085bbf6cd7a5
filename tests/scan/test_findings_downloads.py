"""Downloads at run time (network.runtime-download) with their host, and Git LFS pointers (data.lfs-pointer)."""
from __future__ import annotations

import hashlib

from handoff_assistant.scan import ScanOptions, scan_project
from handoff_assistant.scan.findings import scan_text
from handoff_assistant.scan.findings.downloads import download_host, download_hosts

PYTHON = '''import urllib.request
import requests, torch
from transformers import AutoModel
urllib.request.urlretrieve("https://data.example-corp.io/train.zip", "train.zip")
weights = requests.get("https://models.acme.dev/v2/weights.bin").content
api = requests.get("https://api.acme.dev/v1/items")
model = AutoModel.from_pretrained("distilbert/distilbert-base-uncased")
net = torch.hub.load("pytorch/vision", "resnet18")
docs = "see https://docs.python.org/3/library/os.html"
'''


def _hosts(text: str, file: str = "a.py", language: str = "Python") -> list[tuple[int, str]]:
    return [(f.line, download_host(f)) for f in scan_text(text, file=file, language=language)
            if f.rule == "network.runtime-download"]


def test_each_download_call_and_hub_name_is_reported_with_its_host():
    assert _hosts(PYTHON) == [(4, "data.example-corp.io"), (5, "models.acme.dev"), (7, "huggingface.co"),
                              (8, "github.com")]  # not the API call (no file), not the docs link in prose


def test_the_message_says_how_it_downloads():
    (finding,) = [f for f in scan_text('m = AutoModel.from_pretrained("org/name")\n', file="a.py", language="Python")]
    assert finding.severity == "medium" and finding.category == "network"
    assert finding.message.startswith(
        'Downloads at run time from huggingface.co (AutoModel.from_pretrained("org/name"))')


def test_wget_and_curl_in_shell_lines_notebook_cells_and_r():
    assert _hosts("!wget -q https://files.acme.io/m.bin\n") == [(1, "files.acme.io")]
    assert _hosts("curl -sSL -o x https://files.acme.io/x\nwget https://example.com/a.zip\n", "get.sh",
                  "Shell") == [(1, "files.acme.io")]  # example.com is a placeholder
    assert _hosts('download.file("https://cran.acme.org/x.csv", "x.csv")\n', "a.R", "R") == [(1, "cran.acme.org")]


def test_hosts_are_listed_once_sorted():
    findings = scan_text(PYTHON + 'x = requests.get("https://models.acme.dev/other.pt")\n', file="a.py",
                         language="Python")
    assert download_hosts(findings) == ("data.example-corp.io", "github.com", "huggingface.co", "models.acme.dev")


def test_an_lfs_pointer_is_a_high_finding_even_with_a_binary_name(tmp_path):
    data = b"real bytes"
    pointer = (f"version https://git-lfs.github.com/spec/v1\noid sha256:{hashlib.sha256(data).hexdigest()}\n"
               f"size {len(data)}\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.parquet").write_text(pointer)
    (tmp_path / "labels.csv").write_text(pointer)
    (tmp_path / "main.py").write_text("print(1)\n")
    report = scan_project(tmp_path, ScanOptions(use_cache=False))
    found = sorted((f.file, f.rule, f.severity) for f in report.findings if f.rule == "data.lfs-pointer")
    assert found == [("data/train.parquet", "data.lfs-pointer", "high"), ("labels.csv", "data.lfs-pointer", "high")]
    assert "the data is 10 bytes" in next(f.message for f in report.findings if f.rule == "data.lfs-pointer")
