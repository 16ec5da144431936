from kiosk.booth.cli import main

raise SystemExit(main())
