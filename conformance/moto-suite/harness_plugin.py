"""pytest plugin of the conformance harness (conformance/moto-suite/run.mjs).

Announces each test to the routing front, so the calls it routes are attributed to the test that made them;
writes one JSON line per test with its outcome; and stops a test that runs longer than ECSDEPLOY_HARNESS_TIMEOUT
seconds, or the shorter limit expectations.json gives it (a waiter polling for a state the sandbox never reaches
would otherwise hold the run for minutes).
"""

import json
import os
import signal
import urllib.request

import pytest

FRONT = os.environ["ECSDEPLOY_HARNESS_FRONT"]
RESULTS = os.environ["ECSDEPLOY_HARNESS_RESULTS"]
TIMEOUT = int(os.environ.get("ECSDEPLOY_HARNESS_TIMEOUT", "60"))
# Tests listed with a shorter limit (they wait for what the sandbox cannot give, and would only burn CI time).
TIMEOUTS = json.loads(os.environ.get("ECSDEPLOY_HARNESS_TIMEOUTS", "{}"))

_outcomes = {}


class HarnessTimeout(Exception):
    pass


_limit = TIMEOUT


def _on_alarm(signum, frame):
    raise HarnessTimeout(f"the test ran longer than {_limit} s")


def pytest_runtest_logstart(nodeid, location):
    request = urllib.request.Request(f"{FRONT}/__harness/test", data=nodeid.encode(), method="POST")
    urllib.request.urlopen(request).read()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _limit
    _limit = TIMEOUTS.get(item.nodeid, TIMEOUT)
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(_limit)
    try:
        yield
    finally:
        signal.alarm(0)


def _message(report):
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message.splitlines()[0][:300] if crash.message else ""
    if isinstance(report.longrepr, tuple):  # a skip: (file, line, reason)
        return str(report.longrepr[2])[:300]
    return str(report.longrepr or "").splitlines()[-1:][0][:300] if report.longrepr else ""


def pytest_runtest_logreport(report):
    entry = _outcomes.setdefault(report.nodeid, {"test": report.nodeid, "outcome": "passed", "message": "", "seconds": 0.0})
    entry["seconds"] = round(entry["seconds"] + report.duration, 3)
    if report.skipped and report.when in ("setup", "call"):
        entry["outcome"] = "skipped"
        entry["message"] = _message(report)
    elif report.failed and entry["outcome"] != "failed":
        entry["outcome"] = "failed"
        entry["message"] = f"{report.when}: {_message(report)}"
    if report.when == "teardown":
        with open(RESULTS, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
