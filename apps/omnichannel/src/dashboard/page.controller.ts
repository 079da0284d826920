import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Public } from '../auth/roles.decorator';

/** Where `npm run build` puts the bundled page (apps/dashboard-web), next to the compiled service. */
const PAGE_DIRECTORY = join(__dirname, '..', '..', 'public');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const ASSETS = new Set(['app.js', 'app.css']);

/**
 * The supervisor's page at `/`, and its script and style sheet. Public: they hold no data, and a browser opening
 * the page has no token yet; the page asks for one and sends it to the statistics, which need the supervisor role.
 */
@Controller()
@Public()
export class PageController {
  @Get()
  page(@Res() reply: FastifyReply): Promise<void> {
    return this.send(reply, 'index.html');
  }

  @Get('dashboard/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    if (!ASSETS.has(file)) throw new NotFoundException(`no such file '${file}'`);
    return this.send(reply, file);
  }

  /** Read at each request and always revalidated (ETag): a new build is picked up by a reload. */
  private async send(reply: FastifyReply, file: string): Promise<void> {
    const path = join(PAGE_DIRECTORY, file);
    const { size, mtimeMs } = await stat(path);
    const etag = `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
    void reply.header('cache-control', 'no-cache').header('etag', etag);
    if (reply.request.headers['if-none-match'] === etag) return void reply.code(304).send();
    void reply.type(TYPES[extname(file)]).send(await readFile(path));
  }
}
