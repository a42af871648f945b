// Compile-only stub (jenkins-stubs), checked against jenkinsci/workflow-api-plugin tag 1413.v2ff1a_5e720fa_ (the version the BOM manages), src/main/java/org/jenkinsci/plugins/workflow/actions/WarningAction.java: a subset of its signatures, nothing it lacks.
package org.jenkinsci.plugins.workflow.actions;

import hudson.model.Result;

public class WarningAction implements PersistentAction {
    private Result result;
    private String message;

    public WarningAction(Result result) { this.result = result; }

    public WarningAction withMessage(String message) {
        this.message = message;
        return this;
    }

    public String getMessage() { return message; }

    public Result getResult() { return result; }

    @Override
    public String getDisplayName() { return "Warning" + (message != null ? ": " + message : ""); }

    @Override
    public String getIconFileName() { return null; }

    @Override
    public String getUrlName() { return null; }
}
