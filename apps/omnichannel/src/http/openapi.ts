import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import { PAYLOAD_DTOS } from '#messaging';

const SCHEMAS = '#/components/schemas/';

/** The schemas of the DTOs' own validators (named in their ValidateBy), which no converter knows. */
const CUSTOM_VALIDATORS: ISchemaConverters = {
  isWrapUpCapacityBlock: {
    oneOf: [
      { type: 'string', enum: ['always', 'never'] },
      {
        type: 'object',
        properties: { minutes: { type: 'integer', minimum: 1, maximum: 60 } },
        required: ['minutes'],
      },
    ],
  },
  isTimeZone: { type: 'string', description: 'an IANA time zone, e.g. Europe/Copenhagen' },
};

/**
 * The OpenAPI 3 description: paths, parameters and answers from the controllers' decorators (http/api-docs.ts),
 * request bodies from the same class-validator DTOs that validate them, so the two cannot drift apart.
 */
export const openApiDocument = (app: INestApplication): OpenAPIObject => {
  const config = new DocumentBuilder()
    .setTitle('Omnichannel conversation engine')
    .setDescription(
      'The public contract (channel events in, agent commands, read model queries, health) and the operations ' +
        'endpoints. Errors answer `{ statusCode, error, message }`. Reads honour `X-Min-Position`.',
    )
    .setVersion('1')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const validated = validationMetadatasToSchemas({
    refPointerPrefix: SCHEMAS,
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: CUSTOM_VALIDATORS,
  });
  const schemas = (document.components ??= {}).schemas ?? {};
  for (const [name, schema] of Object.entries(validated)) {
    const existing = schemas[name] as { properties?: object } | undefined;
    // A DTO without Swagger decorators comes out empty: its validation rules are the better description.
    if (!existing?.properties || Object.keys(existing.properties).length === 0) schemas[name] = schema as never;
  }
  const envelope = schemas.ChannelEventEnvelopeDto as { properties?: Record<string, object> } | undefined;
  if (envelope?.properties) {
    envelope.properties.payload = {
      description:
        'by type: ' +
        Object.entries(PAYLOAD_DTOS)
          .map(([type, dto]) => `${type} → ${dto.name}`)
          .join(', '),
      oneOf: [...new Set(Object.values(PAYLOAD_DTOS))].map((dto) => ({ $ref: `${SCHEMAS}${dto.name}` })),
    };
  }
  document.components.schemas = schemas;
  return document;
};

/** GET /openapi.json (the description) and GET /docs (a page to browse and try it). */
export const serveOpenApi = (app: INestApplication): void => {
  SwaggerModule.setup('docs', app, openApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: 'Omnichannel conversation engine API',
  });
};
