// Compile-only stub (jenkins-stubs), checked against jenkinsci/mailer-plugin tag 534.v1b_36f5864073 (the version the BOM manages), src/main/java/jenkins/plugins/mailer/tasks/MimeMessageBuilder.java: a subset of its signatures, nothing it lacks.
package jenkins.plugins.mailer.tasks;

import hudson.model.TaskListener;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.UnsupportedEncodingException;

/** Offline there is no Mailer configuration: building a message throws, as it cannot be sent. */
public class MimeMessageBuilder {
    public MimeMessageBuilder() {}

    public MimeMessageBuilder setListener(TaskListener listener) { return this; }

    public MimeMessageBuilder setSubject(String subject) { return this; }

    public MimeMessageBuilder setBody(String body) { return this; }

    public MimeMessageBuilder addRecipients(String recipients) throws UnsupportedEncodingException { return this; }

    public MimeMessage buildMimeMessage() throws MessagingException, UnsupportedEncodingException {
        throw new MessagingException("no Mailer plugin in the offline harness");
    }
}
