"""Domain signals (blinker). Receivers must not commit; the request or job does."""
from blinker import Namespace

_signals = Namespace()

user_registered = _signals.signal("user-registered")
user_logged_in = _signals.signal("user-logged-in")
roles_changed = _signals.signal("roles-changed")

# Solicitations
solicitation_transitioned = _signals.signal("solicitation-transitioned")
addendum_issued = _signals.signal("addendum-issued")
question_answered = _signals.signal("question-answered")

# Evaluation: something the evaluation report shows changed (scores, consensus, the committee,
# responsiveness, the recommendation). Sender: the Solicitation.
evaluation_changed = _signals.signal("evaluation-changed")
