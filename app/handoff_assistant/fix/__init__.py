"""Fix it for me: hardcoded paths, hosts and secrets become reads of configuration, with a preview and undo.

``plan_fixes`` turns a scan's open findings into a ``FixPlan`` (nothing is written); ``render_diff`` and
``FixPlan.text_after`` show it; ``apply_fixes`` writes the selected edits atomically, refusing files changed since
the scan and keeping backups outside the project; ``undo`` restores them byte for byte. Qt-free: the CLI
(``handoff fix``) and the GUI's Findings page both drive it.
"""
from handoff_assistant.fix.model import (AppliedFix, ConfigEntry, Edit, FileFix, FixError, FixPlan, TouchedFile,
                                         Unfixable)
from handoff_assistant.fix.plan import fixable_findings, plan_fixes
from handoff_assistant.fix.render import render_diff

__all__ = ["AppliedFix", "ConfigEntry", "Edit", "FileFix", "FixError", "FixPlan", "TouchedFile", "Unfixable",
           "apply_fixes", "fixable_findings", "last_applied", "plan_fixes", "render_diff", "undo"]


def __getattr__(name):  # apply/undo load lazily: previews do not need them
    if name in ("apply_fixes", "undo", "last_applied"):
        from handoff_assistant.fix import apply

        return getattr(apply, name)
    raise AttributeError(name)
