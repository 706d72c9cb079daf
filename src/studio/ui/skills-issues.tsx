/** A list of skill issues (scan or lint): errors first in red, warnings in yellow, each with its code and path. */
import type { Issue } from "./skills-model.ts";
import { sortIssues } from "./skills-model.ts";

export function IssueList(props: { issues: readonly Issue[]; testId?: string; compact?: boolean }) {
  if (props.issues.length === 0) return null;
  return (
    <ul class={`skill-issues${props.compact ? " compact" : ""}`} data-testid={props.testId}>
      {sortIssues(props.issues).map((issue) => (
        <li class={`skill-issue ${issue.level}`} data-level={issue.level}>
          <span class={`badge ${issue.level === "error" ? "err" : "warn"}`}>{issue.level === "error" ? "error" : "warning"}</span>
          <div class="skill-issue-text">
            <div>{issue.message}</div>
            <div class="small muted">
              <span class="mono">{issue.code}</span>
              {issue.path ? (
                <>
                  {" · "}
                  <span class="mono skill-path" title={issue.path}>
                    {issue.path}
                  </span>
                </>
              ) : null}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}
