"""Custom actions for the Rasa action server (`rasa run actions`): thin glue around bot/.

Only the Rasa server may call the actions, and it runs on the same machine: unless SANIC_HOST says
otherwise, the action server listens on the loopback only (rasa_sdk's own default is 0.0.0.0, every
interface, with no authentication). rasa_sdk imports this package before it reads SANIC_HOST, so
the default is set here; a container that must be reached by other containers sets SANIC_HOST
itself (deploy/docker-compose.yml).
"""

import os

os.environ.setdefault("SANIC_HOST", "127.0.0.1")
