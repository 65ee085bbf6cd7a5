from handoff_assistant.cli import main

raise SystemExit(main())
