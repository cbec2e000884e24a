"""Emergency drills: the compliance calendar, assignment, reports and compliance figures."""
