DROP INDEX sync_issues_run_code;
DROP TABLE sync_issue_counts;
