"""Train the churn model and write predictions.

python -m churn.train --input data/sample_customers.csv --output predictions.csv
"""
import argparse

import joblib
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from churn.features import build_features, target

try:
    import xgboost
except ImportError:
    xgboost = None


def train(df, use_xgb=False):
    X = build_features(df)
    y = target(df)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y)
    if use_xgb and xgboost is not None:
        model = xgboost.XGBClassifier(n_estimators=200, max_depth=3)
    else:
        model = GradientBoostingClassifier(n_estimators=200, max_depth=3)
    model.fit(X_train, y_train)
    auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
    print(f"test AUC: {auc:.3f}")
    return model


def main():
    parser = argparse.ArgumentParser(description="Train churn model")
    parser.add_argument("--input", required=True, help="customer CSV")
    parser.add_argument("--output", required=True, help="where to write predictions CSV")
    parser.add_argument("--model-out", default="churn.pkl")
    parser.add_argument("--xgb", action="store_true")
    args = parser.parse_args()

    df = pd.read_csv(args.input)
    model = train(df, use_xgb=args.xgb)
    joblib.dump(model, args.model_out)

    preds = pd.DataFrame({
        "customer_id": df["customer_id"],
        "churn_probability": model.predict_proba(build_features(df))[:, 1],
    })
    preds.to_csv(args.output, index=False)
    print("wrote", args.output)


if __name__ == "__main__":
    main()
