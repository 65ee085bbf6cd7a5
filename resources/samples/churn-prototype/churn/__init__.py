"""Customer churn prototype (Maria's version)."""

__version__ = "0.3-dev"
