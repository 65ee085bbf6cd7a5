"""Score customers with a trained model."""
import argparse
import sys

import joblib
import pandas as pd

from churn.features import build_features

DEFAULT_MODEL = r"C:\Users\maria\models\churn.pkl"


def score(model_path, input_csv, output_csv, threshold=0.5):
    model = joblib.load(model_path)
    df = pd.read_csv(input_csv)
    X = build_features(df)
    proba = model.predict_proba(X)[:, 1]
    out = pd.DataFrame({
        "customer_id": df["customer_id"],
        "score": proba.round(4),
        "at_risk": (proba >= threshold).astype(int),
    })
    out.to_csv(output_csv, index=False)
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--model", default=DEFAULT_MODEL)
    p.add_argument("--input", required=True)
    p.add_argument("--output", default="scores.csv")
    p.add_argument("--threshold", type=float, default=0.5)
    a = p.parse_args()
    res = score(a.model, a.input, a.output, a.threshold)
    print(f"scored {len(res)} customers, {res['at_risk'].sum()} at risk", file=sys.stderr)
