"""Loaders for the churn data.

Usage: python -m src.loaders --data /home/ana/churn/raw.csv  # clean[12] path.
Serves on http://localhost:8080 when --serve is given.  # clean[12] host.
"""
import argparse
import glob
import os
import sys

import click  # dep[0] click
import joblib  # dep[0] joblib
import pandas as pd  # dep[0] pandas

__doc__ += """Reads /scratch/ana/cache.parquet when --cache is given."""  # clean[12] path.

sys.path.insert(0, "../shared/libs")  # flag[10] workdir.sys-path-relative
sys.path.append("vendor")  # flag[10] workdir.sys-path-relative
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "vendor"))  # clean[10] workdir.

RAW = glob.glob("/home/ana/churn/raw/*.csv")  # flag[6] path.user-home
PARTS = glob.glob("C:/Users/ana/exports/part-*.csv")  # flag[6] path.user-home
LOCAL_PARTS = glob.glob("data/raw/*.csv")  # clean[6] path.

TRAIN = pd.read_csv("/data/churn/train.csv")  # flag[7] path.server-root
SCRATCH_DIR = "/scratch/ana/churn"  # flag[7] path.server-root
MODEL = joblib.load("/projects/churn/models/model.pkl")  # flag[7] path.server-root
LOOKUP = "/opt/churn/lookup.json"  # flag[7] path.server-root
PYTHON = "/usr/bin/env"  # clean[7] path.
NULL = open("/dev/null", "w")  # clean[7] path.
CPU = open("/proc/cpuinfo").read()  # clean[7] path.
CONDA = "/opt/conda/bin/python"  # clean[7] path.
ROUTE = "/data/v1/customers"  # clean[7] path.

parser = argparse.ArgumentParser(description="Score customers stored under /data/churn")  # clean[8] path.
parser.add_argument("--data", default="/work/churn/input")  # flag[8] path.server-root
parser.add_argument("--out", default="/home/ana/out")  # flag[8] path.user-home
parser.add_argument("--cache", help="for example /scratch/you/cache")  # clean[8] path.
parser.add_argument("--logs", default="logs")  # clean[8] path.


@click.command()
@click.option("--model", default="/srv/churn/model.pkl")  # flag[8] path.server-root
def main(model):
    features = pd.read_csv("data\\features.csv")  # flag[9] path.windows-separator
    scores = r"out\scores.csv"  # flag[9] path.windows-separator
    print("done\n")  # clean[9] path.
    label = r"$\alpha$"  # clean[9] path.
    cache = os.path.expanduser("~/.cache/churn")  # flag[13] path.user-cache
    notes = os.path.expanduser("~/notes/churn.txt")  # flag[13] path.user-home
    return features, scores, label, cache, notes


WAREHOUSE = "postgresql://reader@warehouse:5432/churn"  # flag[11] host.internal-name
FEATURE_STORE = "http://feast.internal:6566"  # flag[11] host.internal-name
CACHE_HOST = "redis.lan"  # flag[11] host.internal-name
DOCS = "https://pandas.pydata.org/docs/"  # clean[11] host.
SCHEMA_REF = "http://foo/schema#"  # clean[11] host.
FILES = ("Setup", "Setup.local")  # clean[11] host.

main.__doc__ = "Score /home/ana/churn/latest.csv, post to http://localhost:9000"  # clean[12] path. # clean[12] host.
USAGE = "usage: loaders.py --data /scratch/ana/in.csv --api http://scorer.internal"  # clean[12] path. # clean[12] host.
