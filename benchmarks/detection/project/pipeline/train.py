"""Train the churn model on /scratch/ana/train.csv. Run as: python pipeline/train.py"""  # clean[12] path.
import features  # nodep[2]
from features import add_tenure  # nodep[2]
from google.cloud import bigquery  # dep[1] google-cloud-bigquery
from google.cloud import storage  # dep[1] google-cloud-storage
from azure.storage import blob  # dep[1] azure-storage-blob
import scikitplot as skplt  # dep[4] scikit-plot
import yaml  # dep[4] PyYAML
from kneed import KneeLocator  # suggest[5] kneed
import scikitplot.metrics  # dep[4] scikit-plot
import hdbscan  # dep[0] hdbscan

client = bigquery.Client()
