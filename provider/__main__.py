"""The provider plugin's entry point: `python provider <engine address> [flags]` (a language
host's RunPlugin runs it so). The plugin is `components.plugin`, on the project's one core."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project, for `components`

from components.plugin import serve

serve(sys.argv)
