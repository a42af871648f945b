// Compile-only stub (jenkins-stubs), checked against jenkinsci/workflow-api-plugin tag 1413.v2ff1a_5e720fa_ (the version the BOM manages), src/main/java/org/jenkinsci/plugins/workflow/actions/PersistentAction.java: a subset of its signatures, nothing it lacks.
package org.jenkinsci.plugins.workflow.actions;

import hudson.model.Action;

public interface PersistentAction extends Action {
}
