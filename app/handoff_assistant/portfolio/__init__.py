"""Readiness across projects for a team lead: discovery, history (SQLite), reviews, verification state, exports.

Entry points: ``build_portfolio(sources, store)`` and ``refresh`` (record by record) in ``build``;
``history(project, store)``; ``save_review`` / ``read_review`` in ``reviews``; ``to_csv`` / ``to_html`` /
``to_json`` in ``export``; ``RowFilter`` / ``sort_rows`` in ``table``.
"""
