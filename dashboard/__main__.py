"""Command line: `python -m dashboard check-policy FILE` validates a policy file."""

from __future__ import annotations

import argparse
import sys

from dashboard.policy import PolicyError, load_policy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check-policy", help="validate a policy YAML file")
    check.add_argument("file")
    args = parser.parse_args(argv)
    try:
        policy = load_policy(args.file)
    except PolicyError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"{args.file}: valid policy ({len(policy.transitions)} transition rules, "
        f"lifecycle backend {policy.lifecycle.backend})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
