"""What the wheel holds, the one thing pyproject.toml cannot say: `templates/` stays at
the top of the repository and ships inside the package as `assess/templates/` (the app
uses that copy when it exists, else the checkout's). Everything else is pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

CODE = find_namespace_packages(include=["assess", "assess.*", "questionnaires", "questionnaires.*",
                                        "scoring", "scoring.*"],
                               exclude=["*.__pycache__"])
TEMPLATES = ["assess.templates", *(f"assess.templates.{name}" for name in
                                   find_namespace_packages("templates",
                                                           exclude=["*__pycache__"]))]

setup(
    packages=CODE + TEMPLATES,
    package_dir={"assess.templates": "templates"},
    package_data={
        "assess.auth": ["common-passwords.txt"],
        "assess.migrations": ["README", "alembic.ini", "script.py.mako"],
        "assess.static": ["*"],
        "assess.templates": ["*.html", "*/*.html", "*/*.css", "*/*.txt"],
        "questionnaires": ["*/*.yaml"],
    },
)
