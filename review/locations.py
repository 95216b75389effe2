"""Where reviews live: `--home` > `$PILLAR_HOME` > the platform's user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_HOME = "PILLAR_HOME"
REVIEWS_FOLDER = "reviews"


def resolve_home(home: Path | str | None = None) -> Path:
    """The pillar home folder: the explicit `home`, else $PILLAR_HOME, else user data dir."""
    if home is not None and str(home) != "":
        return Path(home).expanduser()
    env = os.environ.get(ENV_HOME, "")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("pillar", appauthor=False))


def reviews_folder(home: Path) -> Path:
    """The folder holding one file per review inside `home`."""
    return home / REVIEWS_FOLDER
