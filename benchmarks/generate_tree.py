"""Generate a synthetic data-science prototype of N files for benchmarks.

The mix resembles a real prototype grown large: Python modules, notebooks (Python and R kernels, with
outputs), R scripts, R Markdown, SQL, YAML configs, small CSV fixtures, and a few real-sized data files. About
one file in ten holds something the scan must find: a home-directory path, a Windows path, a fake password,
a database URL with credentials, a localhost endpoint, a token. Deterministic for a given N and seed.

    python benchmarks/generate_tree.py OUT_DIR --files 10000
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

LIBRARIES = ("pandas", "numpy", "sklearn.ensemble", "matplotlib.pyplot", "seaborn", "requests", "yaml",
             "sqlalchemy", "lightgbm", "xgboost", "scipy.stats", "statsmodels.api", "boto3", "torch", "mlflow")
R_PACKAGES = ("dplyr", "ggplot2", "tidyr", "readr", "data.table", "caret", "lubridate", "DBI")
SMELLS = (
    'DATA_DIR = "/Users/dana/Documents/churn/data"',
    'OUTPUT = r"C:\\Users\\dana\\Desktop\\results.xlsx"',
    'password = "Winter2024!prod"',
    'engine_url = "postgresql://analyst:s3cretPass@10.20.1.15:5432/warehouse"',
    'API = "http://localhost:8080/score"',
    'aws_key = "AKIAIOSFODNN7EXAMPL3"',
    'token = "ghp_R4nd0mT0k3nV4lu3F0rB3nchm4rk1ng00"',
)
# (kind, share of files); the rest of the mix is filled with Python modules
MIX = (("notebook", 0.12), ("r", 0.10), ("rmd", 0.03), ("sql", 0.10), ("yaml", 0.05), ("csv", 0.08),
       ("markdown", 0.04), ("data", 0.002))
DATA_FILE_BYTES = 2 * 1024 * 1024


def generate(root: Path, count: int, seed: int = 0) -> Path:
    """Write ``count`` files under ``root`` (created) and return it."""
    rng = random.Random(seed)
    kinds = _kinds(count, rng)
    for index, kind in enumerate(kinds):
        folder = root / f"part{index // 400:03d}" / ("notebooks" if kind == "notebook" else kind)
        folder.mkdir(parents=True, exist_ok=True)
        WRITERS[kind](folder, index, rng)
    return root


def _kinds(count: int, rng: random.Random) -> list[str]:
    kinds = [kind for kind, share in MIX for _ in range(int(count * share))]
    kinds += ["python"] * (count - len(kinds))
    rng.shuffle(kinds)
    return kinds


def _smell(rng: random.Random) -> list[str]:
    return [rng.choice(SMELLS)] if rng.random() < 0.1 else []


def _python_source(rng: random.Random, lines: int) -> list[str]:
    source = [f"import {name}" for name in rng.sample(LIBRARIES, 4)] + ["import os", "from pathlib import Path", ""]
    source += _smell(rng)
    for number in range(lines):
        source += [f"def step_{number}(frame):", f"    # step {number} of the pipeline",
                   f"    result = frame.groupby('customer_id').agg({{'spend': 'sum'}}).reset_index()",
                   f"    return result[result.spend > {number}]", ""]
    return source


def _write_python(folder: Path, index: int, rng: random.Random) -> None:
    (folder / f"module_{index}.py").write_text("\n".join(_python_source(rng, rng.randint(5, 30))) + "\n")


def _write_notebook(folder: Path, index: int, rng: random.Random) -> None:
    r_kernel = rng.random() < 0.15
    cells = []
    for count in range(1, rng.randint(4, 12)):
        if r_kernel:
            source = [f"library({rng.choice(R_PACKAGES)})\n", "df <- read.csv('data/customers.csv')\n"]
        else:
            source = [line + "\n" for line in _python_source(rng, 2)]
            if count == 1 and rng.random() < 0.3:
                source.insert(0, "%pip install lightgbm==4.3.0\n")
        cells.append({"cell_type": "code", "execution_count": count, "metadata": {}, "source": source,
                      "outputs": [{"output_type": "stream", "name": "stdout", "text": [f"rows: {count * 1000}\n"]}]})
        cells.append({"cell_type": "markdown", "metadata": {}, "source": [f"## Step {count}\n", "Notes.\n"]})
    language = "R" if r_kernel else "python"
    notebook = {"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "ir" if r_kernel else "python3", "language": language, "display_name": language},
        "language_info": {"name": language}}}
    (folder / f"analysis_{index}.ipynb").write_text(json.dumps(notebook, indent=1))


def _write_r(folder: Path, index: int, rng: random.Random) -> None:
    lines = [f"library({name})" for name in rng.sample(R_PACKAGES, 3)]
    if rng.random() < 0.1:
        lines.append("setwd('/home/dana/churn')")
    lines += [f"summary_{n} <- df %>% group_by(segment) %>% summarise(m = mean(spend))  # {n}" for n in range(20)]
    (folder / f"script_{index}.R").write_text("\n".join(lines) + "\n")


def _write_rmd(folder: Path, index: int, rng: random.Random) -> None:
    text = (f"---\ntitle: Report {index}\n---\n\n# Results\n\n```{{r}}\nlibrary({rng.choice(R_PACKAGES)})\n"
            "plot(df$spend)\n```\n\nThe model works.\n")
    (folder / f"report_{index}.Rmd").write_text(text)


def _write_sql(folder: Path, index: int, rng: random.Random) -> None:
    text = ("-- extract customers\nSELECT c.id, c.segment, SUM(o.amount) AS spend\nFROM customers c\n"
            "JOIN orders o ON o.customer_id = c.id\nWHERE o.created_at > '2024-01-01'\nGROUP BY c.id, c.segment;\n")
    (folder / f"query_{index}.sql").write_text(text)


def _write_yaml(folder: Path, index: int, rng: random.Random) -> None:
    lines = ["model:", "  n_estimators: 300", "  learning_rate: 0.05", "paths:", "  input: data/customers.csv"]
    if rng.random() < 0.2:
        lines += ["database:", "  host: 192.168.1.20", "  password: hunter2-prod-db"]
    (folder / f"config_{index}.yaml").write_text("\n".join(lines) + "\n")


def _write_csv(folder: Path, index: int, rng: random.Random) -> None:
    rows = "\n".join(f"{n},{rng.choice('ABC')},{rng.random():.4f}" for n in range(rng.randint(10, 200)))
    (folder / f"sample_{index}.csv").write_text("id,segment,spend\n" + rows + "\n")


def _write_markdown(folder: Path, index: int, rng: random.Random) -> None:
    (folder / f"NOTES_{index}.md").write_text(f"# Notes {index}\n\nRun `python train.py` first.\n")


def _write_data(folder: Path, index: int, rng: random.Random) -> None:
    with open(folder / f"features_{index}.parquet", "wb") as handle:
        handle.write(b"PAR1")
        handle.truncate(DATA_FILE_BYTES)


WRITERS = {"python": _write_python, "notebook": _write_notebook, "r": _write_r, "rmd": _write_rmd,
           "sql": _write_sql, "yaml": _write_yaml, "csv": _write_csv, "markdown": _write_markdown,
           "data": _write_data}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generate(args.out, args.files, args.seed)


if __name__ == "__main__":
    main()
