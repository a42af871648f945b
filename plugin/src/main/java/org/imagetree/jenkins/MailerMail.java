package org.imagetree.jenkins;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jenkins.plugins.mailer.tasks.MimeMessageBuilder;

import java.io.IOException;
import java.util.List;

/**
 * A plain text mail through the Mailer plugin, as workflow-basic-steps' {@code mail} step sends one: the message built
 * by Mailer's {@link MimeMessageBuilder} (its SMTP settings, sender and default suffix) and sent with
 * {@link Transport#send}. Loaded only when the Mailer plugin is installed (an optional dependency).
 */
final class MailerMail {
    private MailerMail() {}

    static void send(List<String> to, String subject, String body) throws IOException {
        try {
            Transport.send(new MimeMessageBuilder().setSubject(subject).setBody(body).addRecipients(String.join(",", to)).buildMimeMessage());
        } catch (MessagingException e) {
            throw new IOException("mail to " + String.join(", ", to) + " not sent: " + e.getMessage(), e);
        }
    }
}
