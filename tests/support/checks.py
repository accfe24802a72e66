"""Counting checks for the Python test scripts run by ctest.

    from checks import Checks
    t = Checks("cli")
    t.check("exit 0", r.returncode == 0, r.stderr)
    t.finish()   # prints "cli: N passed, M failed" and exits 1 if any failed
"""
import sys


class Checks:
    def __init__(self, suite):
        self.suite, self.passed, self.failed = suite, 0, 0

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")
        return cond

    def finish(self):
        print(f"{self.suite}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
