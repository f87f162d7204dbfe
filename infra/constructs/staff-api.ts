/**
 * The staff API: an HTTP API in front of the `api` function, behind a Cognito user pool whose
 * JWTs API Gateway checks on every route but the public ones; the pool's managed login (the
 * newer Cognito pages, shown in French) signs the console's users in. The console's CloudFront
 * distribution routes `/api/*` here, so the browser calls the API on the console's own origin
 * and the API has no CORS: nothing in it names the distribution, which names the API.
 */
import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routes } from '#shared/api/contract.ts';
import { ROUTE_METHODS, routeLine } from '#shared/api/declaration.ts';
import { StaffGroup } from '#shared/domain/staff.ts';
import type { DeskFunction } from './desk-function.ts';

/** Properties of a {@link StaffApi}. */
export type StaffApiProps = {
  /** The `api` function, which serves every route. */
  handler: DeskFunction;
  /** OAuth callback URLs of the console (managed login sends the code there). */
  callbackUrls: string[];
  /** OAuth sign-out URLs of the console. */
  logoutUrls: string[];
  /** Prefix of the Cognito sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  authDomainPrefix: string;
  /** Steady requests per second across the API. Default 50: a few dozen staff, never more. */
  rateLimit?: number;
  /** Burst of requests. Default 100. */
  burstLimit?: number;
  /**
   * The throttle of the public routes that read data (the public search): without a token,
   * anyone may call them, so each gets its own stage route setting, below the API's. The health
   * check keeps the API's.
   */
  publicRouteThrottle?: { ratePerSecond: number; burst: number };
};

/** Staff groups, as read from the `cognito:groups` claim by the API. */
export const staffGroups = StaffGroup.options;

const declared = Object.entries(routes).map(([key, declaration]) => ({
  ...routeLine(key),
  group: declaration.group,
}));

/** The routes without the authorizer: the contract's public ones (the health check, the public search). */
export const publicRoutes = declared
  .filter((route) => route.group === 'public')
  .map(({ method, path }) => ({ method, path }));

/** The public routes that read data, throttled apart: every public route but the health check. */
export const throttledPublicRoutes = publicRoutes.filter((route) => route.path !== '/api/health');

/**
 * The methods of the contract's other routes (`shared/api/`), listed rather than `ANY`: the API
 * serves the methods it declares and nothing else (an `OPTIONS` is answered 404 by API Gateway;
 * same origin, the browser sends no preflight).
 */
export const apiMethods = ROUTE_METHODS.filter((method) =>
  declared.some((route) => route.group !== 'public' && route.method === method),
);

/**
 * Base URL of a Cognito prefix domain's managed login, the value `UserPoolDomain.baseUrl()`
 * gives; known before the domain exists, so the console's CSP can name it.
 */
export function hostedUiUrl(domainPrefix: string, region: string): string {
  return `https://${domainPrefix}.auth.${region}.amazoncognito.com`;
}

/** The HTTP API, its stage with access logs and throttling, and the staff user pool. */
export class StaffApi extends Construct {
  readonly userPool: cognito.UserPool;
  readonly consoleClient: cognito.UserPoolClient;
  /** The sign-in domain, serving managed login (the newer pages, localised with `lang`). */
  readonly signInDomain: cognito.UserPoolDomain;
  /** The console client's managed login style (Cognito's own values). */
  readonly consoleBranding: cognito.CfnManagedLoginBranding;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: StaffApiProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Staff accounts are created by an administrator, never by whoever finds the page.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus: threat protection (compromised credentials, adaptive authentication) for accounts
      // that read directors' mails; a few staff cost cents a month.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'Assistance LSUN : votre compte',
        emailBody:
          'Bonjour,<br><br>Un compte a été créé pour vous sur la console de l’assistance LSUN.<br>Identifiant : {username}<br>Mot de passe provisoire : {####}<br><br>Vous devrez choisir un nouveau mot de passe à la première connexion.',
      },
      deletionProtection: true,
      // Staff accounts are state: keep them if the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional by decision: staff will sign in through the académie identity provider, which applies its own MFA, once federation is added; until then TOTP is offered to every account and Plus threat protection blocks risky sign-ins.',
    });

    this.userPool.addGroup('AdminGroup', {
      groupName: 'admin',
      description: 'Administrateurs : annuaire, diffusions, comptes',
      precedence: 0,
    });
    this.userPool.addGroup('AgentGroup', {
      groupName: 'agent',
      description: 'Agents : traitement des tickets',
      precedence: 10,
    });

    this.consoleClient = this.userPool.addClient('ConsoleClient', {
      // A browser application: a public client, authorization code with PKCE, no secret.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.logoutUrls,
      },
      // The ID token is the API's bearer: the API names the caller by `email`, the console shows `name`.
      readAttributes: new cognito.ClientAttributes().withStandardAttributes({
        email: true,
        emailVerified: true,
        fullname: true,
      }),
      // A staff member may fix their name, never their email: it is who the API records as acting.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    // Managed login, not the classic hosted UI: only managed login is localised, with a `lang`
    // parameter on the sign-in and sign-out URLs (the console sends `lang=fr`); it needs the
    // Essentials or Plus feature plan (Plus above) and a style for each app client that uses it.
    this.signInDomain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.authDomainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.consoleBranding = new cognito.CfnManagedLoginBranding(this, 'ConsoleBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.consoleClient.userPoolClientId,
      // Cognito's own style: a neutral page; colours and the Marianne logo can be set later in
      // the branding editor without touching the stack (no settings here to overwrite them).
      useCognitoProvidedValues: true,
    });
    this.consoleBranding.node.addDependency(this.signInDomain);
    new CfnOutput(this, 'SignInDomain', { value: this.signInDomain.baseUrl() });

    const authorizer = new HttpJwtAuthorizer('StaffJwt', this.userPool.userPoolProviderUrl, {
      jwtAudience: [this.consoleClient.userPoolClientId],
    });
    // No default stage: the explicit one below carries access logs and throttling.
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Assistance LSUN : API de la console',
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
      // No CORS: the console and the public pages call the API on their own origin (the
      // console's distribution routes /api/*), so no other web page may read its answers, and
      // the API need not name the distribution (which names the API: that would be a cycle).
    });
    const integration = new HttpLambdaIntegration('Api', props.handler.function);
    this.httpApi.addRoutes({
      path: '/api/{proxy+}',
      methods: apiMethods.map((method) => HttpMethod[method]),
      integration,
      authorizer,
    });
    const unauthenticated: Construct[] = [];
    for (const { method, path } of publicRoutes) {
      // A load balancer or uptime probe has no token; the route reveals nothing.
      for (const route of this.httpApi.addRoutes({
        path,
        methods: [HttpMethod[method]],
        integration,
        authorizer: new HttpNoneAuthorizer(),
      })) {
        unauthenticated.push(route);
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${method} ${path} is declared public in shared/api (the uptime probe, or the public search of published public articles, which anyone may read on /kb/ anyway; throttled apart). Every other route carries the Cognito JWT authorizer (checked in test/infra).`,
        });
      }
    }

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latency: '$context.integrationLatency',
            user: '$context.authorizer.claims.sub',
            error: '$context.error.message',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const throttle = props.publicRouteThrottle;
    if (throttle) {
      // HttpStage has no route settings: set them on the L1 stage. A route key names the route
      // exactly as declared (`GET /api/public/articles`); the health check is left out.
      (this.stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
        throttledPublicRoutes.map((route) => [
          `${route.method} ${route.path}`,
          // A JSON map in CloudFormation's own spelling (the L1 passes it through unchanged).
          { ThrottlingRateLimit: throttle.ratePerSecond, ThrottlingBurstLimit: throttle.burst },
        ]),
      );
      // API Gateway refuses a route setting for a route that does not exist yet.
      this.stage.node.addDependency(...unauthenticated);
    }

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'ConsoleClientId', { value: this.consoleClient.userPoolClientId });
  }
}
