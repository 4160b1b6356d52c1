"""Every API schema has its own name: django-ninja files schemas in the OpenAPI document by class
name, so two apps' `PromptOut` would silently share one definition and one of them would
describe the other's responses wrongly."""

import importlib
import inspect
from collections import defaultdict
from pathlib import Path

from ninja import Schema

import rapport


def test_no_two_api_schemas_share_a_name():
    owners = defaultdict(list)
    for api_file in sorted(Path(rapport.__file__).parent.glob("*/api.py")):
        module = importlib.import_module(f"rapport.{api_file.parent.name}.api")
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                owners[name].append(module.__name__)
    assert {name: mods for name, mods in owners.items() if len(mods) > 1} == {}
