/**
 * Everything stateless: the functions, the pipeline queues, SES receiving and sending, the
 * staff API and the staff console. Can be destroyed and redeployed; the data lives in the
 * stateful stack.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { z } from 'zod';
import {
  type BroadcastEnv,
  type DeskEnv,
  type KbEnv,
  type RetentionEnv,
  retentionVariables,
  type TicketWorkEnv,
  type WatchEnv,
} from '#shared/config.ts';
import type { RetentionPolicy } from '#shared/domain/retention.ts';
import { allStages, pipeline, type QueueStage, type TickEntry } from '#shared/pipeline.ts';
import { DeskDashboard } from '../constructs/desk-dashboard.ts';
import { DeskFunction } from '../constructs/desk-function.ts';
import { KbSite } from '../constructs/kb-site.ts';
import { MailPipeline } from '../constructs/mail-pipeline.ts';
import { MailReceipt } from '../constructs/mail-receipt.ts';
import { MailSending } from '../constructs/mail-sending.ts';
import type { ReceiptRuleName } from '../constructs/raw-mail-store.ts';
import { RetentionPurge } from '../constructs/retention-purge.ts';
import { hostedUiUrl, StaffApi } from '../constructs/staff-api.ts';
import { StaffConsole } from '../constructs/staff-console.ts';
import { KB_NOT_FOUND_PATH, kbNotFoundPage, PUBLIC_SEARCH_THROTTLE } from '../kb-public.ts';
import type { DeploySettings } from '../settings.ts';
import type { StatefulStack } from './stateful-stack.ts';

/** Properties of the {@link DeskStack}. */
export type DeskStackProps = StackProps & {
  /** The table and raw-mail store. */
  stateful: StatefulStack;
  settings: DeploySettings;
  /**
   * The built console to upload (`dist/console`, absolute). Undefined: the console's bucket and
   * distribution without files (a synthesis for checks only, see `skipConsoleFiles`).
   */
  consoleFiles: string | undefined;
};

/** The receipt rule set and rule names (fixed: the raw-mail bucket policy names them). */
export const receiptNames: ReceiptRuleName = { ruleSetName: 'assistance-lsun', ruleName: 'desk-addresses' };

/** The desk's functions and everything that feeds or exposes them. */
export class DeskStack extends Stack {
  readonly pipeline: MailPipeline;
  readonly sending: MailSending;
  readonly receipt: MailReceipt;
  readonly api: StaffApi;
  readonly console: StaffConsole;
  /** The public knowledge base's bucket, served under `/kb/*` by the console's distribution. */
  readonly kb: KbSite;
  /** The purge that follows DynamoDB's TTL (the table's stream, `retention-purge`). */
  readonly retentionPurge: RetentionPurge;
  /** The desk's CloudWatch dashboard, and the alarms on failed sends and on a silent school day. */
  readonly observability: DeskDashboard;
  readonly functions: Record<
    'receive' | QueueStage['consumer'] | TickEntry | 'api' | 'retention-purge',
    DeskFunction
  >;

  constructor(scope: Construct, id: string, props: DeskStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { table, rawMail } = props.stateful;

    this.pipeline = new MailPipeline(this, 'Pipeline', { alarmEmail: settings.alarmEmail });
    this.sending = new MailSending(this, 'Sending', {
      fromAddresses: settings.deskAddresses,
      senderDomain: settings.senderDomain,
    });

    // The console comes first: the app client registers its URLs. Its distribution also routes
    // /api/* to the HTTP API (serveApi, below), so its CSP names no API Gateway host.
    const authDomainPrefix = settings.authDomainPrefix ?? `assistance-lsun-${this.account}`;
    this.console = new StaffConsole(this, 'Console', {
      authOrigin: hostedUiUrl(authDomainPrefix, this.region),
      customDomain:
        settings.consoleDomain && settings.consoleCertificateArn
          ? { domainName: settings.consoleDomain, certificateArn: settings.consoleCertificateArn }
          : undefined,
      accessLogs: props.stateful.consoleAccessLogs,
      notFoundPage: { path: KB_NOT_FOUND_PATH, html: kbNotFoundPage() },
    });
    // The public knowledge base rides on the console's distribution (same host: the pages use
    // the console's DSFR files, ask the public search on /api/, and the links in
    // acknowledgments name one address).
    this.kb = new KbSite(this, 'KnowledgeBase', { accessLogs: props.stateful.kbAccessLogs });
    this.kb.serveFrom(this.console.distribution);
    // Links in acknowledgments and feeds: the custom domain when there is one. The distribution
    // depends on nothing the functions make, so naming it in their environment makes no cycle.
    const publicBaseUrl = this.console.origins[0] ?? '';

    // Every function gets the whole configuration: the schema in shared/config.ts validates
    // it at start, and `satisfies` makes a variable added there fail to compile here.
    // BROADCAST_MAX_SEND_RATE is the one variable left unset by default: SES says the rate.
    const environment = {
      DESK_TABLE: table.table.tableName,
      RAW_MAIL_BUCKET: rawMail.bucket.bucketName,
      INTAKE_QUEUE_URL: this.pipeline.stages.intake.queue.queueUrl,
      TICKETS_QUEUE_URL: this.pipeline.stages.tickets.queue.queueUrl,
      OUTBOX_QUEUE_URL: this.pipeline.stages.outbox.queue.queueUrl,
      BROADCAST_QUEUE_URL: this.pipeline.stages.broadcast.queue.queueUrl,
      SES_EVENTS_QUEUE_URL: this.pipeline.stages['ses-events'].queue.queueUrl,
      BROADCAST_RATE_SHARE: String(settings.broadcastRateShare),
      ...(settings.broadcastMaxSendRate === undefined
        ? {}
        : { BROADCAST_MAX_SEND_RATE: String(settings.broadcastMaxSendRate) }),
      DESK_ADDRESSES: settings.deskAddresses.join(','),
      ACADEMIC_DOMAIN: settings.academicDomain,
      SUBJECT_KEYWORD: settings.subjectKeyword,
      DAILY_REQUEST_CAP: String(settings.dailyRequestCap),
      DAILY_FOLLOW_UP_CAP: String(settings.dailyFollowUpCap),
      RETENTION_DAYS: String(settings.retentionDays),
      ...retentionEnvironment(settings.retention),
      SES_CONFIGURATION_SET: this.sending.configurationSet.configurationSetName,
      DESK_DISPLAY_NAME: settings.deskDisplayName,
      KB_BUCKET: this.kb.bucket.bucketName,
      PUBLIC_BASE_URL: publicBaseUrl,
      KB_EXPORT_QUEUE_URL: this.pipeline.stages['kb-export'].queue.queueUrl,
      FIRST_RESPONSE_TARGET_HOURS: String(settings.work.firstResponseHours),
      RESOLUTION_TARGET_HOURS: String(settings.work.resolutionHours),
      AUTO_CLOSE_WORKING_DAYS: String(settings.work.autoCloseWorkingDays),
      SCHOOL_HOLIDAYS: settings.schoolHolidays.map((holiday) => `${holiday.from}/${holiday.to}`).join(','),
    } satisfies Record<keyof z.input<typeof DeskEnv>, string> &
      Record<keyof z.input<typeof KbEnv>, string> &
      Record<Exclude<keyof z.input<typeof BroadcastEnv>, 'BROADCAST_MAX_SEND_RATE'>, string> &
      Partial<Record<'BROADCAST_MAX_SEND_RATE', string>> &
      Record<keyof z.input<typeof TicketWorkEnv>, string> &
      Record<keyof z.input<typeof WatchEnv>, string> &
      Record<keyof z.input<typeof RetentionEnv>, string>;

    const receive = new DeskFunction(this, 'Receive', {
      entry: pipeline.receiver.entry,
      timeoutSeconds: pipeline.receiver.timeoutSeconds,
      environment,
    });
    const consumers = Object.fromEntries(
      allStages.map((stage) => [
        stage.consumer,
        new DeskFunction(this, pascal(stage.consumer), {
          entry: stage.consumer,
          timeoutSeconds: stage.functionTimeoutSeconds,
          environment,
        }),
      ]),
    ) as Record<QueueStage['consumer'], DeskFunction>;
    const tickTargets = Object.fromEntries(
      pipeline.ticks.map((tick) => [
        tick.entry,
        new DeskFunction(this, pascal(tick.entry), {
          entry: tick.entry,
          timeoutSeconds: tick.timeoutSeconds,
          environment,
        }),
      ]),
    ) as Record<TickEntry, DeskFunction>;
    const api = new DeskFunction(this, 'Api', {
      entry: pipeline.api.entry,
      timeoutSeconds: pipeline.api.timeoutSeconds,
      environment,
    });
    // The purge: the table's stream of TTL removals, with a dead-letter queue and its alarm.
    const purge = new DeskFunction(this, 'RetentionPurge', {
      entry: 'retention-purge',
      timeoutSeconds: 60,
      environment,
    });
    this.retentionPurge = new RetentionPurge(this, 'Retention', {
      table,
      rawMail,
      purge,
      alarmTopic: this.pipeline.alarmTopic,
    });
    this.functions = { receive, ...consumers, ...tickTargets, api, 'retention-purge': purge };

    for (const stage of allStages) {
      this.pipeline.consume(stage.queue, consumers[stage.consumer]);
    }

    // Grants: each function gets, from the construct owning each resource, what its step calls
    // and nothing more (the written list, action by action: test/infra/role-grants.ts).
    // receive only hands the SES event on: it reads neither the mail nor the table.
    this.pipeline.grantEnqueue('intake', receive);
    this.pipeline.catchFailedInvocations(pipeline.receiver.entry, receive);

    const { screen, ticket, mailer } = consumers;
    rawMail.grantReadRawMail(screen.role);
    table.grantIntakeScreening(screen.role);
    this.pipeline.grantEnqueue('tickets', screen);
    this.pipeline.grantEnqueue('outbox', screen);

    table.grantTicketOpening(ticket.role);
    this.pipeline.grantEnqueue('outbox', ticket);
    // The acknowledgment's suggested articles come from the public search index alone.
    this.kb.grantReadPublicIndex(ticket.role);

    table.grantOutboxSending(mailer.role);
    this.sending.grantSend(mailer.role);

    // Broadcasts: the tick starts the due ones, broadcast-send mails one chunk at a time and
    // re-queues what SES throttled, ses-events records what became of each mail.
    const broadcastPlan = tickTargets['broadcast-plan'];
    this.pipeline.tick('broadcast-plan', broadcastPlan);
    table.grantBroadcastStart(broadcastPlan.role);
    this.pipeline.grantEnqueue('broadcast', broadcastPlan);

    // Auto-close: the hourly tick closes the tickets left waiting for their director (a ticket
    // transaction each) and queues one notice each for the mailer.
    const housekeeping = tickTargets['ticket-housekeeping'];
    this.pipeline.tick('ticket-housekeeping', housekeeping);
    table.grantAutoClose(housekeeping.role);
    this.pipeline.grantEnqueue('outbox', housekeeping);

    // The outbox sweeper: re-queues the mails whose queue message was lost, marks `unknown`
    // those left `sending` past their lease. It reads the sparse index and updates the records;
    // it never mails itself (the mailer's claim still sends each once).
    const outboxSweep = tickTargets['outbox-sweep'];
    this.pipeline.tick('outbox-sweep', outboxSweep);
    table.grantOutboxSweep(outboxSweep.role);
    this.pipeline.grantEnqueue('outbox', outboxSweep);

    const broadcastSend = consumers['broadcast-send'];
    table.grantBroadcastSending(broadcastSend.role);
    this.sending.grantSendBulk(broadcastSend.role);
    this.sending.grantReadSendingQuota(broadcastSend.role);
    this.pipeline.grantEnqueue('broadcast', broadcastSend);

    table.grantSendingEvents(consumers['ses-events'].role);
    this.sending.deliverEventsTo(this.pipeline.stages['ses-events'].queue);

    table.grantStaffApi(api.role);
    // Raw mails (accepting a held mail, downloads) and the attachments taken out for downloads.
    rawMail.grantStaffDownloads(api.role);
    rawMail.grantPortalRequests(api.role);
    this.pipeline.grantEnqueue('outbox', api);
    this.pipeline.grantEnqueue('tickets', api);
    this.pipeline.grantEnqueue('broadcast', api);
    // « Envoyer un test »: the steps send the staff member's copy with the same bulk sender
    // (sendTest → SendBulkEmail, one destination); same terms as broadcast-send's grant.
    this.sending.grantSendBulk(api.role);
    // Knowledge base: the public search and the ticket's suggestions read the public index; a
    // publication, an edit of a published article or an archive queues an export.
    this.kb.grantReadPublicIndex(api.role);
    this.pipeline.grantEnqueue('kb-export', api);

    // The export reads the published articles and rewrites the public files; nothing else.
    const kbExport = consumers['kb-export'];
    table.grantArticleExport(kbExport.role);
    this.kb.grantExport(kbExport.role);

    // The mail watch: one small Query of the intake log an hour, and a metric its alarm reads.
    const mailWatch = tickTargets['mail-watch'];
    this.pipeline.tick('mail-watch', mailWatch);
    table.grantMailWatch(mailWatch.role);

    this.receipt = new MailReceipt(this, 'Receipt', {
      recipients: settings.deskAddresses,
      store: rawMail,
      receiver: receive,
      names: receiptNames,
      activate: settings.activateReceiptRuleSet,
    });

    this.api = new StaffApi(this, 'StaffApi', {
      handler: api,
      callbackUrls: this.console.callbackUrls,
      logoutUrls: this.console.logoutUrls,
      authDomainPrefix,
      publicRouteThrottle: PUBLIC_SEARCH_THROTTLE,
    });
    this.observability = new DeskDashboard(this, 'Observability', {
      pipeline: this.pipeline,
      chain: { receive, screen, ticket, mailer },
      httpApi: this.api.httpApi,
    });

    // One origin: the distribution names the API (its origin), the API names nothing of the
    // distribution (no CORS); the app client's URLs name the distribution, and the JWT
    // authorizer names the client, both resources apart from the API itself, so no cycle.
    this.console.serveApi(this.api.httpApi);
    if (props.consoleFiles !== undefined) {
      this.console.publish(props.consoleFiles, {
        authDomain: this.api.signInDomain.baseUrl(),
        clientId: this.api.consoleClient.userPoolClientId,
        region: this.region,
      });
    }
  }
}

/** Each kind's retention as the functions' variables (`RETENTION_*_DAYS`), every one set. */
function retentionEnvironment(
  retention: RetentionPolicy,
): Record<keyof z.input<typeof RetentionEnv>, string> {
  return Object.fromEntries(
    Object.entries(retentionVariables).map(([kind, variable]) => [
      variable,
      String(retention[kind as keyof RetentionPolicy]),
    ]),
  ) as Record<keyof z.input<typeof RetentionEnv>, string>;
}

/** `broadcast-send` → `BroadcastSend`, for construct ids. */
function pascal(name: string): string {
  return name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
