"""Load customer data from the analytics warehouse (or the local CSV when offline)."""
import pandas as pd
from sqlalchemy import create_engine

# TODO move this somewhere safer before sharing
DB_URL = "postgresql://churn_app:Sup3rS3cret!@10.20.30.40:5432/analytics"
user = "churn_app"
password = "Winter2024!"

LOCAL_CSV = "/Users/maria.lopez/Documents/churn/data/customers.csv"


def get_engine(url=DB_URL):
    return create_engine(url)


def load_customers(query_file="sql/extract_customers.sql", since="2023-01-01"):
    """Run the extract query and return a DataFrame."""
    with open(query_file) as f:
        query = f.read()
    print("connecting to warehouse...")
    engine = get_engine()
    df = pd.read_sql(query, engine, params={"since": since})
    print(f"loaded {len(df)} rows")
    return df


def load_local(path=LOCAL_CSV):
    print("reading local copy from", path)
    df = pd.read_csv(path)
    # some exports have trailing spaces in contract column
    df["contract"] = df["contract"].str.strip()
    return df
