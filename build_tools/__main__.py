from __future__ import annotations

from build_tools.cli import main

raise SystemExit(main())
