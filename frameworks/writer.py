"""Write library models back out as YAML a person can read and edit."""

from __future__ import annotations

from pathlib import Path

import yaml

from frameworks.csvform import parse_csv_file
from frameworks.models import FrameworkFile, Model


def model_yaml(model: Model) -> str:
    """A model as YAML in the documented key order, without empty optional fields."""
    data = model.model_dump(by_alias=True, exclude_none=True, exclude_defaults=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def csv_as_yaml_files(path: Path) -> dict[str, str]:
    """File name -> YAML text for each model a role-requirement CSV becomes."""
    files: dict[str, str] = {}
    for parsed in parse_csv_file(path, str(path), 0):
        model = parsed.model
        suffix = "framework" if isinstance(model, FrameworkFile) else f"roles-{model.namespace}"
        files[f"{path.stem}.{suffix}.yaml"] = model_yaml(model)
    return files
