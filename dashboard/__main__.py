"""Command line: `python -m dashboard check-policy FILE` validates a policy file;
`python -m dashboard hash-password` prints a bcrypt hash for the users file."""

from __future__ import annotations

import argparse
import getpass
import sys

from dashboard.policy import PolicyError, load_policy
from dashboard.users import hash_password


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check-policy", help="validate a policy YAML file")
    check.add_argument("file")
    commands.add_parser(
        "hash-password", help="read a password (not echoed) and print its bcrypt hash"
    )
    args = parser.parse_args(argv)
    if args.command == "hash-password":
        return _hash_password()
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


def _hash_password() -> int:
    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline()
    password = password.rstrip("\n")
    if len(password) < 8:
        print("A password needs at least 8 characters.", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    sys.exit(main())
