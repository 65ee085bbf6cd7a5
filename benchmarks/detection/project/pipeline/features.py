import pandas as pd  # dep[0] pandas


def add_tenure(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(tenure=frame["months"] / 12)
