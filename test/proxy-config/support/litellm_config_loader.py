"""Runs LiteLLM's own config loading steps, taken at run time from the
source of a release (no LiteLLM code is kept in this repository), on each
config named on the command line: yaml.safe_load, the empty-config check,
ProxyConfig._process_includes and ProxyConfig._check_for_os_environ_vars.

Importing litellm.proxy.proxy_server needs the whole proxy installed, so
the three methods and secret_managers.main.str_to_bool are compiled alone
from the release's files. get_secret is reduced to its environment branch
(the one used without a key management system).

Usage: litellm_config_loader.py <release source dir> <config>...
Prints one JSON line per config: {"file", "ok", "value" | "error"}."""

import __future__
import ast
import json
import logging
import os
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyyaml_normalize import normalize  # noqa: E402

PROXY_CONFIG_METHODS = {"_load_yaml_file", "_process_includes", "_check_for_os_environ_vars"}


def compile_functions(path, wanted, class_name=None):
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    found = []
    for node in ast.walk(tree):
        if class_name is None and isinstance(node, ast.Module):
            found += [item for item in node.body if isinstance(item, ast.FunctionDef) and item.name in wanted]
        if class_name and isinstance(node, ast.ClassDef) and node.name == class_name:
            found += [item for item in node.body if isinstance(item, ast.FunctionDef) and item.name in wanted]
    missing = wanted - {item.name for item in found}
    if missing:
        raise SystemExit(f"{path} has no {sorted(missing)}: the release changed; update this loader")
    if class_name:
        body = [ast.ClassDef(name=class_name, bases=[], keywords=[], body=found, decorator_list=[], type_params=[])]
    else:
        body = found
    module = ast.fix_missing_locations(ast.Module(body=body, type_ignores=[]))
    # Annotations stay unevaluated: their names live in modules not loaded.
    return compile(module, path, "exec", flags=__future__.annotations.compiler_flag, dont_inherit=True)


def main():
    source = sys.argv[1]
    namespace = {}
    exec(compile_functions(os.path.join(source, "litellm/secret_managers/main.py"), {"str_to_bool"}), namespace)
    str_to_bool = namespace["str_to_bool"]

    def get_secret(secret_name, default_value=None):
        if secret_name.startswith("os.environ/"):
            secret_name = secret_name.replace("os.environ/", "")
        secret = os.environ.get(secret_name)
        as_bool = str_to_bool(secret) if secret is not None else None
        return as_bool if isinstance(as_bool, bool) else secret

    namespace.update(
        os=os,
        yaml=yaml,
        get_secret=get_secret,
        verbose_proxy_logger=logging.getLogger("litellm"),
        DEFAULT_MAX_RECURSE_DEPTH=100,
    )
    exec(compile_functions(os.path.join(source, "litellm/proxy/proxy_server.py"), PROXY_CONFIG_METHODS, "ProxyConfig"), namespace)
    proxy_config = namespace["ProxyConfig"]()

    for path in sys.argv[2:]:
        try:
            # The steps of ProxyConfig._get_config_from_file, then get_config.
            with open(path, "r") as handle:
                config = yaml.safe_load(handle)
            if config is None:
                raise Exception("Config cannot be None or Empty.")
            config = proxy_config._process_includes(config=config, base_dir=os.path.dirname(os.path.abspath(path)))
            config = proxy_config._check_for_os_environ_vars(config=config)
            print(json.dumps({"file": path, "ok": True, "value": normalize(config)}))
        except Exception as error:  # every refusal counts, whatever its class
            print(json.dumps({"file": path, "ok": False, "error": f"{type(error).__name__}: {error}"}))


main()
