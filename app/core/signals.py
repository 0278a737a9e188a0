"""Domain signals (blinker). Receivers must not commit; the request or job does."""
from blinker import Namespace

_signals = Namespace()

user_registered = _signals.signal("user-registered")
user_logged_in = _signals.signal("user-logged-in")
roles_changed = _signals.signal("roles-changed")
