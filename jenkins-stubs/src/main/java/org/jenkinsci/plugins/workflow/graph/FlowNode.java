// Compile-only stub (jenkins-stubs), checked against jenkinsci/workflow-api-plugin tag 1413.v2ff1a_5e720fa_ (the version the BOM manages), src/main/java/org/jenkinsci/plugins/workflow/graph/FlowNode.java: a subset of its signatures, nothing it lacks.
package org.jenkinsci.plugins.workflow.graph;

import hudson.model.Actionable;

import java.util.List;
import org.jenkinsci.plugins.workflow.flow.FlowExecution;

/** The real FlowNode belongs to a FlowExecution; only its Actionable side is used by the plugin. */
public abstract class FlowNode extends Actionable {
    private final String id;

    protected FlowNode(FlowExecution exec, String id, List<FlowNode> parents) { this.id = id; }

    public String getId() { return id; }
}
