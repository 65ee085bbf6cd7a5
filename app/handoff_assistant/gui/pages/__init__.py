"""The welcome screen and the project's steps, one module per page."""
