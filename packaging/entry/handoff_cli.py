"""Entry script of the frozen ``handoff`` (console) executable."""
from handoff_assistant.cli import main

raise SystemExit(main())
