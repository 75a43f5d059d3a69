"""Settings for the test suite: abide's settings with a throw-away data directory."""

import atexit
import os
import shutil
import tempfile

if "ABIDE_DATA_DIR" not in os.environ:
    _data_dir = tempfile.mkdtemp(prefix="abide-test-")
    os.environ["ABIDE_DATA_DIR"] = _data_dir
    atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)

# A fixed key sealing restricted evidence, so that the suite reads and writes sealed files.
os.environ.setdefault("ABIDE_EVIDENCE_KEY", "dGVzdC1ldmlkZW5jZS1rZXktMzItYnl0ZXMtbG9uZyE=")

from abide.settings import *  # noqa: F403
from abide.settings import DATA_DIR, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: threads and the browser's server share it like a real deployment.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

# A second alias on the same test database, as a read replica would be (a mirror): the tests
# of ``abide.core.replica`` turn ABIDE_PUBLIC_READS_FROM_REPLICA on to send the public's reads
# to it; every other test reads from default only.
DATABASES.setdefault("replica", {**DATABASES["default"], "TEST": {"MIRROR": "default"}})
ABIDE_PUBLIC_READS_FROM_REPLICA = False

# The public cache is keyed on the audit log's head: tests that make rows directly (not through
# the audited services) would read answers kept before; its own tests turn it on.
ABIDE_PUBLIC_CACHE = False
