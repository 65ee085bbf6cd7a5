"""Feature engineering for the churn model."""
import numpy as np
import pandas as pd

CONTRACT_ORDER = {"month-to-month": 0, "one-year": 1, "two-year": 2}


def tenure_bucket(months):
    bins = [-1, 6, 12, 24, 48, np.inf]
    labels = ["0-6", "7-12", "13-24", "25-48", "49+"]
    return pd.cut(months, bins=bins, labels=labels)


def build_features(df: pd.DataFrame) -> pd.DataFrame:
    """Turn the raw customer table into model features.

    Expects columns: customer_id, tenure_months, monthly_charges, contract.
    """
    out = pd.DataFrame(index=df.index)
    out["tenure_months"] = df["tenure_months"].fillna(0).astype(int)
    out["monthly_charges"] = df["monthly_charges"].astype(float)
    out["log_charges"] = np.log1p(out["monthly_charges"])
    out["total_charges_est"] = out["tenure_months"] * out["monthly_charges"]
    out["contract_level"] = df["contract"].map(CONTRACT_ORDER).fillna(0).astype(int)
    out["is_new"] = (out["tenure_months"] < 6).astype(int)
    # charges relative to the median of customers on the same contract
    med = df.groupby("contract")["monthly_charges"].transform("median")
    out["charge_vs_contract_median"] = out["monthly_charges"] / med.replace(0, np.nan)
    out["charge_vs_contract_median"] = out["charge_vs_contract_median"].fillna(1.0)
    buckets = pd.get_dummies(tenure_bucket(out["tenure_months"]), prefix="tenure")
    out = pd.concat([out, buckets.astype(int)], axis=1)
    return out


def target(df: pd.DataFrame) -> pd.Series:
    return df["churned"].astype(str).str.lower().isin(["1", "yes", "true"]).astype(int)
