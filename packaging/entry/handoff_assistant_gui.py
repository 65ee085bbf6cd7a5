"""Entry script of the frozen ``handoff-assistant`` (windowed) executable."""
from handoff_assistant.gui.app import main

raise SystemExit(main())
