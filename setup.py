"""Maps the repository's top-level assets/ and layouts/ into the package as hud.assets and hud.layouts,
so the wheel carries them (pyproject.toml alone cannot add packages that live outside hud/)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["hud", "hud.*"]), "hud.assets", "hud.layouts"],
    package_dir={"hud.assets": "assets", "hud.layouts": "layouts"},
)
