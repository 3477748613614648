"""Use cases. Each public function validates, changes state and owns the one commit."""
