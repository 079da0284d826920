import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Config } from '../config';
import { CONFIG } from '../tokens';
import { Role } from './auth-settings';
import { Principal } from './principal';
import { requirePermission } from './access';
import { Permission } from './permissions';
import { PERMISSION_KEY, PUBLIC_KEY, ROLES_KEY } from './roles.decorator';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

/**
 * Every request, when authentication is configured: a valid bearer token (else 401) holding one of the
 * route's roles (else 403). Without authentication everything passes (the service is on loopback then).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verifier?: TokenVerifier;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly reflector: Reflector,
  ) {
    this.verifier = config.auth && new TokenVerifier(config.auth);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.verifier) return true;
    const targets = [context.getHandler(), context.getClass()];
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Principal }>();
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      // Open to all, but a valid token may show more (an admin sees /health's details); an invalid one shows nothing more.
      const token = bearerToken(request.headers.authorization);
      request.principal = token ? await this.verifier.principal(token).catch(() => undefined) : undefined;
      return true;
    }
    const principal = await this.authenticate(request, http.getResponse<FastifyReply>());
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!allowed.some((role) => principal.roles.has(role))) {
      throw new ForbiddenException(
        allowed.length
          ? `this needs the role ${allowed.join(' or ')}; the token has ${[...principal.roles].join(', ') || 'none'}`
          : 'this endpoint is open to no role',
      );
    }
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    if (permission) requirePermission(principal, permission);
    return true;
  }

  private async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Principal> {
    const header = request.headers.authorization;
    const token = bearerToken(header);
    // RFC 6750: a 401 tells the client which scheme to use.
    const refuse = (message: string, error?: string) => {
      void reply.header('WWW-Authenticate', error ? `Bearer error="${error}"` : 'Bearer');
      return new UnauthorizedException(message);
    };
    if (header === undefined) throw refuse('a bearer token is required (Authorization: Bearer <token>)');
    if (!token) throw refuse('the Authorization header must be "Bearer <token>"', 'invalid_request');
    try {
      return await this.verifier!.principal(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw refuse(error.message, 'invalid_token');
      throw error;
    }
  }
}

const bearerToken = (header: string | undefined): string | undefined =>
  /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(header ?? '')?.[1];
