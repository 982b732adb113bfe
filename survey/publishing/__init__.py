"""Reports that reach people: a survey's or a branch's report as a PDF, and the schedule
that makes, archives and sends it to its subscribers."""
