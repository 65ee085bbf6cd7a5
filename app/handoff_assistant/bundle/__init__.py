"""The handoff bundle: build it (writer), open it safely (reader) and verify it (docs/bundle-format.md)."""
from handoff_assistant.bundle.options import (BundleError, BundleOptions, BundleResult, LockError, NotReadyError,
                                              UnsafeBundleError)
from handoff_assistant.bundle.reader import OpenedBundle, open_bundle
from handoff_assistant.bundle.verify import VerificationResult, verify_bundle
from handoff_assistant.bundle.writer import build_bundle

__all__ = ["BundleError", "BundleOptions", "BundleResult", "LockError", "NotReadyError", "OpenedBundle",
           "UnsafeBundleError", "VerificationResult", "build_bundle", "open_bundle", "verify_bundle"]
