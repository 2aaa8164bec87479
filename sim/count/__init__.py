"""From support to the official count: turnout, invalid ballots, administrative inflation."""
