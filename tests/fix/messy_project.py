"""A messy, realistic prototype for the fix engine: dozens of hardcoded paths across notebooks, scripts, R, shell
and SQL, written the ways data scientists write them (raw strings, escaped backslashes, f-strings, magics, several
paths on one line, defaults, dicts, pathlib, concatenations, a match statement)."""
from __future__ import annotations

import json
from pathlib import Path

SCRIPT = '''"""Nightly scoring job (Bob's laptop version)."""
import os
import shutil
from pathlib import Path

import pandas as pd

RAW_DIR = "/Users/bob/projects/churn/raw"
MODEL = r"C:\\Users\\bob\\models\\gbm.pkl"
BACKUP = "C:\\\\Users\\\\bob\\\\backup"
SHARE = r"\\\\fileserver\\analytics\\exports"
SETTINGS = {"input": "/Users/bob/projects/churn/raw/customers.csv", "output": "/mnt/results/scores.csv"}


def load(path="/Users/bob/projects/churn/raw/customers.csv", sep=","):
    return pd.read_csv(path, sep=sep)


def archive(name):
    shutil.copy("/Users/bob/projects/churn/out/scores.csv", "/Volumes/USB/archive/scores.csv")
    target = Path("/Users/bob/projects/churn/archive") / name
    log = f"/Users/bob/logs/{name}.log"  # an f-string: not fixed automatically
    return target, log


def export(frame):
    frame.to_parquet("/Users/bob/projects/churn/out/scores.parquet")
    frame.to_csv(os.path.join("/Users/bob/projects/churn/out", "scores.csv"))
    with open("/home/bob/notes/run.txt", "a") as stream:  # the same machine, another OS
        stream.write("done")


def route(kind):
    match kind:
        case "/Users/bob/special":
            return 1
    return 0
'''

UTILS = '''import glob
import sqlite3

DB = sqlite3.connect("/Users/bob/data/churn.sqlite")
FILES = glob.glob("/Users/bob/projects/churn/raw/*.csv")
TEMPLATE = (
    "/Users/bob/templates/"
    "report.html"
)
LOOKUP = "/Users/bob/projects/churn/raw/customers.csv"
'''

R_SCRIPT = '''# Monthly deck
library(readr)
setwd("/Users/bob/projects/churn")
customers <- read_csv("/Users/bob/projects/churn/raw/customers.csv")
model <- readRDS('~/models/churn.rds')
out_dir = "C:/Users/bob/deck"
write_csv(customers, paste0("/Users/bob/projects/churn/out/", "deck.csv"))
ggplot2::ggsave("/Users/bob/deck/plot.png", width = 8)
'''

RMD = '''---
title: "Churn report"
---

Some prose about /Users/bob (not code).

```{r}
data <- read.csv("/Users/bob/projects/churn/raw/customers.csv")
saveRDS(data, "/Users/bob/cache/data.rds")
```
'''

SHELL = '''#!/bin/bash
set -e
python score.py --input /Users/bob/projects/churn/raw/customers.csv --out /mnt/results/scores.csv
cp /Users/bob/projects/churn/out/scores.csv '/Volumes/USB/backup/scores.csv'
'''

SQL = '''-- export for the deck
COPY scores TO '/Users/bob/projects/churn/out/scores_export.csv' WITH CSV HEADER;
'''

CONFIG = '''paths:
  raw: /Users/bob/projects/churn/raw
  models: C:\\Users\\bob\\models
'''


def _notebook(cells: list[tuple[str, str]], language: str = "python") -> str:
    kernel = {"python": ("python3", "Python 3"), "R": ("ir", "R")}[language]
    data = {
        "cells": [{"cell_type": kind, "id": f"cell-{index}", "metadata": {},
                   "source": source.splitlines(keepends=True),
                   **({"execution_count": None, "outputs": []} if kind == "code" else {})}
                  for index, (kind, source) in enumerate(cells)],
        "metadata": {"kernelspec": {"name": kernel[0], "display_name": kernel[1], "language": language}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


EXPLORE = _notebook([
    ("markdown", "# Exploration\nData in /Users/bob/projects/churn/raw"),
    ("code", "%matplotlib inline\nimport pandas as pd\nimport matplotlib.pyplot as plt"),
    ("code", 'df = pd.read_csv("/Users/bob/projects/churn/raw/customers.csv")\ndf.head()'),
    ("code", 'events = pd.read_parquet(r"C:\\Users\\bob\\data\\events.parquet")'),
    ("code", "%cd /Users/bob/projects/churn\n!ls /Users/bob/projects/churn/raw"),
    ("code", "%%bash\nwc -l /Users/bob/projects/churn/raw/customers.csv"),
    ("code", 'plt.savefig("/Users/bob/projects/churn/figs/tenure.png")\n'
             'df.to_csv("/Users/bob/projects/churn/out/explore.csv", index=False)'),
    ("code", 'for name in ["a", "b"]:\n    path = "/Users/bob/projects/churn/raw/" + name + ".csv"\n    print(path)'),
])
FEATURES = _notebook([
    ("code", "import os\nimport pandas as pd\nfrom pathlib import Path"),
    ("code", 'BASE = Path("/Users/bob/projects/churn")\nraw = pd.read_csv("/Users/bob/projects/churn/raw/customers.csv")'),
    ("code", 'lookup = pd.read_excel("/Users/bob/Documents/lookups/regions.xlsx", sheet_name="2024")'),
    ("code", 'feats.to_pickle("/tmp/features.pkl")\n'
             'pd.read_json("/Users/bob/projects/churn/raw/meta.json")'),
    ("code", 'cfg = {"model_dir": "/Users/bob/models", "cache": "/Users/bob/.cache/churn"}'),
])
R_NOTEBOOK = _notebook([
    ("code", 'library(dplyr)\nraw <- read.csv("/Users/bob/projects/churn/raw/customers.csv")'),
    ("code", 'write.csv(raw, file = "/Users/bob/projects/churn/out/r_scores.csv")'),
], language="R")

FILES = {
    "jobs/score.py": SCRIPT, "jobs/utils.py": UTILS, "R/deck.R": R_SCRIPT, "reports/report.Rmd": RMD,
    "scripts/run.sh": SHELL, "sql/export.sql": SQL, "config/paths.yaml": CONFIG,
    "notebooks/01_explore.ipynb": EXPLORE, "notebooks/02_features.ipynb": FEATURES,
    "notebooks/03_deck.ipynb": R_NOTEBOOK,
}


def write_messy_project(root: Path) -> Path:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
