"""The one build setting pyproject.toml cannot say: the top-level ``templates/`` and ``static/``
folders travel inside the package, as ``scheduler/templates`` and ``scheduler/static``, so an
installed copy (a wheel, ``pip install .``) serves every page. A checkout keeps them at the top
level, where ``scheduler`` finds them (see ``scheduler.web_folder``). Everything else is in
pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

# Folders of the repository installed as parts of the package: package name -> folder.
WEB_FOLDERS = {"scheduler.templates": "templates", "scheduler.static": "static"}

setup(
    packages=[
        *find_namespace_packages(include=["scheduler", "scheduler.*"], exclude=["*.__pycache__"]),
        *WEB_FOLDERS,
    ],
    package_dir=WEB_FOLDERS,
)
